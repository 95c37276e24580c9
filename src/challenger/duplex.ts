/**
 * DuplexChallenger<F, Perm, WIDTH, RATE> with v0.6.2's length-binding absorb (docs/protocol.md §6),
 * plus proof-of-work grinding. Mirrors Plonky3/Plonky3:challenger/src/{duplex_challenger,
 * grinding_challenger}.rs (v0.6.2).
 *
 * State machine: observations are buffered; a full buffer (RATE inputs) or a sample with pending
 * inputs absorbs them (overwrite state[0..m), zero state[m..RATE), add m to state[RATE]) and
 * permutes; a sample with no pending input and no output left squeezes (permutes as is).
 * Samples pop the output buffer (state[0..RATE) after the last permutation) from the end.
 *
 * Generic over the permutation object and its width/rate, so the toy width-24 permutation of
 * challenger_semantics.json runs through the same code as Poseidon2-16 with rate 8.
 *
 * Invariants: all values canonical BabyBear elements; nothing is pre-observed (docs/protocol.md §6.3); the
 * optional transcript log records exactly what the challenger observes and samples.
 */
import { P } from '../field/babybear.ts';
import { powWitnessSearch } from './pow.ts';

/** A permutation the challenger can run: width, and `permuteMany` (consecutive states in place). */
export interface ChallengerPermutation {
  readonly width: number;
  /** Permutes states[offset + k * width ..) in place for k < count. */
  permuteMany(states: Uint32Array, offset: number, count: number): void;
}

/** Transcript event kinds: observe, sample (value popped), and with `logDuplex` absorb/squeeze. */
export type TranscriptKind = 'obs' | 'smp' | 'absorb' | 'squeeze';
/**
 * One transcript event: ['obs', value], ['smp', value] (the format of the fixture's
 * `transcript_log.entries`), or ['absorb', m] / ['squeeze', 0] for permutations.
 */
export type TranscriptEntry = [TranscriptKind, number];

/** Options of a DuplexChallenger. */
export interface DuplexChallengerOptions {
  /** Rate (default width / 2, i.e. 8 for Poseidon2-16). */
  readonly rate?: number;
  /** Transcript log to append to (the challenger keeps the same array). */
  readonly log?: TranscriptEntry[];
  /** Also log 'absorb' (with the absorbed count) and 'squeeze' events (default false). */
  readonly logDuplex?: boolean;
}

/** A misuse of the challenger API (bad bit count, non-canonical observation). */
export class ChallengerError extends Error {
  override readonly name = 'ChallengerError';
}

/** Largest bit count for sampleBits / grinding: 2^bits must stay below P. */
export const MAX_SAMPLE_BITS = 30;

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > MAX_SAMPLE_BITS) {
    throw new ChallengerError(`bits ${bits} outside 0..${MAX_SAMPLE_BITS}`);
  }
}

const isCanonical = (x: number): boolean => x >>> 0 === x && x < P;

/**
 * Plonky3's DuplexChallenger (v0.6.2 semantics).
 * @example
 * const ch = new DuplexChallenger(poseidon2ForSet('default'));
 * ch.observeSlice(root); const alpha = ch.sampleExt();
 */
export class DuplexChallenger {
  /** The sponge permutation. */
  readonly perm: ChallengerPermutation;
  /** State width. */
  readonly width: number;
  /** Rate: inputs per absorb, outputs per permutation. */
  readonly rate: number;
  /** Transcript log, if any (appended to; see TranscriptEntry). */
  log: TranscriptEntry[] | undefined;
  /** Whether absorb/squeeze events are logged too. */
  logDuplex: boolean;
  private readonly state: Uint32Array;
  private readonly input: Uint32Array;
  private inputLen = 0;
  /** Pending outputs are state[0 .. outputLen). */
  private outputLen = 0;
  /** Grinding states, allocated by the first `grind`. */

  /**
   * @param perm the permutation (Poseidon2-16 in every configuration)
   * @param options rate, transcript log
   * @throws {ChallengerError} if the rate is not in 1..width-1
   */
  constructor(perm: ChallengerPermutation, options: DuplexChallengerOptions = {}) {
    const width = perm.width;
    const rate = options.rate ?? width / 2;
    if (!Number.isInteger(rate) || rate < 1 || rate >= width) {
      throw new ChallengerError(`rate ${rate} must be in 1..${width - 1}`);
    }
    this.perm = perm;
    this.width = width;
    this.rate = rate;
    this.log = options.log;
    this.logDuplex = options.logDuplex ?? false;
    this.state = new Uint32Array(width);
    this.input = new Uint32Array(rate);
  }

  /**
   * Observes one base element.
   * @param x canonical element
   * @throws {ChallengerError} if x is not a canonical element
   */
  observe(x: number): void {
    if (!isCanonical(x)) throw new ChallengerError(`observe: ${x} is not a canonical element`);
    this.log?.push(['obs', x]);
    this.outputLen = 0;
    this.input[this.inputLen++] = x;
    if (this.inputLen === this.rate) this.duplex();
  }

  /**
   * Observes each element in order (public values, a digest, EF coefficient lists).
   * @param xs canonical elements
   * @throws {ChallengerError} on a non-canonical element (the ones before it stay observed)
   */
  observeSlice(xs: ArrayLike<number>): void {
    for (let i = 0; i < xs.length; i++) this.observe(xs[i]);
  }

  /**
   * Observes a commitment digest (its 8 elements in order; a cap-height-0 cap is one digest).
   * @param d the digest
   */
  observeDigest(d: ArrayLike<number>): void {
    this.observeSlice(d);
  }

  /**
   * Observes an extension element: coefficients c0, c1, c2, c3.
   * @param e 4 coefficients from `offset`
   * @param offset start in `e` (default 0)
   */
  observeExt(e: ArrayLike<number>, offset = 0): void {
    for (let i = 0; i < 4; i++) this.observe(e[offset + i]);
  }

  /**
   * Samples one base element: duplexes if inputs are pending or no output is left, then pops
   * the last pending output.
   * @returns a canonical element
   */
  sample(): number {
    if (this.inputLen > 0 || this.outputLen === 0) this.duplex();
    const v = this.state[--this.outputLen];
    this.log?.push(['smp', v]);
    return v;
  }

  /**
   * Samples an extension element as four base samples c0, c1, c2, c3 (docs/protocol.md §6.2).
   * @param out optional 4-element buffer
   * @param offset start in `out` (default 0)
   * @returns `out` (a fresh one if omitted)
   */
  sampleExt(out?: Uint32Array, offset = 0): Uint32Array {
    const o = out ?? new Uint32Array(4);
    for (let i = 0; i < 4; i++) o[offset + i] = this.sample();
    return o;
  }

  /**
   * One sample, reduced to its low `bits` bits (the intended slight bias of docs/protocol.md §6.2).
   * @param bits 0..30
   * @returns an integer in [0, 2^bits)
   * @throws {ChallengerError} for bits outside 0..30
   */
  sampleBits(bits: number): number {
    checkBits(bits);
    return this.sample() & ((1 << bits) - 1);
  }

  /**
   * An independent copy (state and buffers). The copy has no transcript log.
   * @returns the copy
   */
  clone(): DuplexChallenger {
    const c = new DuplexChallenger(this.perm, { rate: this.rate });
    c.state.set(this.state);
    c.input.set(this.input);
    c.inputLen = this.inputLen;
    c.outputLen = this.outputLen;
    return c;
  }

  /**
   * Proof-of-work check (docs/protocol.md §6.4): with bits = 0 returns true and touches nothing; otherwise
   * observes the witness and tests sampleBits(bits) == 0.
   * @param bits 0..30
   * @param witness the claimed witness; a non-canonical value is rejected (false) unobserved
   * @returns whether the witness is valid
   * @throws {ChallengerError} for bits outside 0..30
   */
  checkWitness(bits: number, witness: number): boolean {
    checkBits(bits);
    if (bits === 0) return true;
    if (!isCanonical(witness)) return false;
    this.observe(witness);
    return this.sampleBits(bits) === 0;
  }

  /**
   * Finds the smallest valid proof-of-work witness and applies checkWitness with it (docs/protocol.md §6.4).
   * Each candidate costs one permutation: pending inputs, the candidate, zeros, and the length
   * tag j + 1 are written into a copy of the state, exactly as observe + sample would.
   * @param bits 0..30; 0 returns 0 and leaves the transcript untouched
   * @returns the witness
   * @throws {ChallengerError} for bits outside 0..30, or if no witness below P exists
   */
  grind(bits: number): number {
    checkBits(bits);
    if (bits === 0) return 0;
    const w = powWitnessSearch(this.perm, this.powTemplate(), bits, 0, P);
    if (w < 0) throw new ChallengerError(`grind: no witness for ${bits} bits`);
    if (!this.checkWitness(bits, w)) throw new ChallengerError('grind: search and checkWitness disagree');
    return w;
  }

  /**
   * The state a proof-of-work candidate is tested on (docs/protocol.md §6.4): the sponge state with the pending
   * inputs in slots 0..j-1, zeros in the rest of the rate and the length tag j + 1 added to the
   * first capacity element; the candidate goes into `slot` = j. A candidate w is valid iff, with
   * w written there, the permuted state's element rate - 1 has its low `bits` bits zero. Lets a
   * caller search candidates elsewhere (e.g. in worker threads) and then apply `checkWitness`.
   * @returns a copy of that state, the candidate slot and the rate
   */
  powTemplate(): { state: Uint32Array; slot: number; rate: number } {
    const rate = this.rate;
    const j = this.inputLen;
    const s = this.state.slice();
    for (let i = 0; i < j; i++) s[i] = this.input[i];
    for (let i = j; i < rate; i++) s[i] = 0;
    const tag = this.state[rate] + j + 1;
    s[rate] = tag >= P ? tag - P : tag;
    return { state: s, slot: j, rate };
  }

  /**
   * Pending outputs in pop order reversed (state[0 .. n)), for tests of the buffer semantics.
   * @returns a copy of the output buffer; the next sample() returns its last element
   */
  outputBuffer(): Uint32Array {
    return this.state.slice(0, this.outputLen);
  }

  /**
   * Pending (not yet absorbed) inputs, in observation order.
   * @returns a copy of the input buffer
   */
  inputBuffer(): Uint32Array {
    return this.input.slice(0, this.inputLen);
  }

  private duplex(): void {
    const m = this.inputLen;
    const rate = this.rate;
    const st = this.state;
    if (m > 0) {
      for (let i = 0; i < m; i++) st[i] = this.input[i];
      for (let i = m; i < rate; i++) st[i] = 0;
      const t = st[rate] + m;
      st[rate] = t >= P ? t - P : t;
      if (this.logDuplex) this.log?.push(['absorb', m]);
    } else if (this.logDuplex) {
      this.log?.push(['squeeze', 0]);
    }
    this.inputLen = 0;
    this.perm.permuteMany(st, 0, 1);
    this.outputLen = rate;
  }
}
