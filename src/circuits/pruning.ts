/**
 * The `pruning` circuit family: a Poseidon2 hash chain over the digests of pruned blocks,
 * starting from the zero digest, with a block-height counter. Proves that the blocks of heights
 * firstHeight..lastHeight (one digest each, in order) hash to the public pruning digest.
 * Public values [firstHeight, lastHeight, digest(8)]. Uses the chain gadget of ./state.ts.
 *
 * No Plonky3 counterpart (an application AIR). Max constraint degree 3.
 *
 * Input JSON: { "firstHeight": n, "blockDigests": [[8 elements], ...] }
 */
import type { Air } from '../air/air.ts';
import { P } from '../field/babybear.ts';
import type { FamilyAirOptions, FamilyGenerator, FamilySpec } from './family-kit.ts';
import type { Poseidon2Air } from './poseidon2-air.ts';
import {
  CHAIN_MAX_LOG_ROWS,
  generateHashChainTrace,
  type HashChainSpec,
  hashChainAir,
  readDigestList,
  sampleDigests,
} from './state.ts';

/** The one-line summary of the family, for reports. */
export const PRUNING_SUMMARY = 'Poseidon2 hash chain over the digests of pruned blocks with a height range';

const ZERO8: readonly number[] = Object.freeze([0, 0, 0, 0, 0, 0, 0, 0]);

const PRUNING_SPEC: HashChainSpec = {
  name: 'pruning',
  numPublicValues: 10,
  initial: () => ZERO8,
  final: (b) => b.publicValues.slice(2, 10),
  counterStart: (b) => b.publicValues[0],
  counterEnd: (b) => b.publicValues[1],
};

/**
 * The pruning AIR: public values [firstHeight, lastHeight, digest(8)].
 * @param opts Poseidon2 constant set
 * @returns the AIR (name 'pruning', degree 3)
 */
export function pruningAir(opts: FamilyAirOptions = {}): Air & { readonly perm: Poseidon2Air } {
  return hashChainAir(PRUNING_SPEC, opts.constants);
}

/**
 * Validates the input and generates the trace.
 * @throws {FamilyInputError} for a malformed input
 */
const generatePruning: FamilyGenerator = (rd, o, rows, opts) => {
  const firstHeight = rd.uint(o.firstHeight, 'firstHeight', P - rows);
  const digests = readDigestList(rd, o.blockDigests, 'blockDigests', rows);
  const air = pruningAir(opts);
  const { trace, final } = generateHashChainTrace(air, rows, new Uint32Array(8), digests, firstHeight);
  const pub = new Uint32Array(10);
  pub[0] = firstHeight;
  pub[1] = firstHeight + digests.length / 8 - 1;
  pub.set(final, 2);
  return { air, trace, publicValues: pub };
};

/**
 * A deterministic honest range of pruned blocks filling all but 5 rows of the size.
 * @param rows the trace height of the size
 * @returns the JSON input
 */
function samplePruningInput(rows: number): unknown {
  return { firstHeight: 500_000, blockDigests: sampleDigests(0x9e0e, rows - 5) };
}

/** The pruning family's parts (families.ts names it and adds the shared input checks). */
export const pruningSpec: FamilySpec = {
  logRows: { production: 9, test: 3, max: CHAIN_MAX_LOG_ROWS },
  air: pruningAir,
  generate: generatePruning,
  sampleInput: samplePruningInput,
};
