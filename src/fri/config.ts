/**
 * FRI parameters, mirroring Plonky3/Plonky3:fri/src/config.rs (FriParameters). The named
 * presets that fix them live in src/stark/config.ts.
 */

/** FRI parameters (Plonky3's FriParameters). */
export interface FriParams {
  readonly logBlowup: number;
  readonly logFinalPolyLen: number;
  readonly maxLogArity: number;
  readonly numQueries: number;
  readonly commitPowBits: number;
  readonly queryPowBits: number;
}
