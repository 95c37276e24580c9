/**
 * Distinct honest inputs for load generation (stress queue scenario, scale-out tests): the
 * family's deterministic sample input with one field moved by `k`, so that k = 0, 1, 2, ... give
 * different statements (different job ids) that all hold.
 *
 * No Plonky3 counterpart. Invariant: variant 0 is the sample input itself.
 */
import { FAMILIES, type FamilyName, type FamilySize } from '../../circuits/families.ts';
import { P } from '../../field/babybear.ts';

/**
 * The k-th variant of a family's sample input.
 * @param family the circuit family
 * @param size the size profile
 * @param k variant number (0 = the sample input)
 * @returns a JSON input whose statement holds
 * @example
 * const inputs = [0, 1, 2].map((k) => variedSampleInput('consensus', 'test', k));
 */
export function variedSampleInput(family: FamilyName, size: FamilySize, k: number): unknown {
  const s = structuredClone(FAMILIES[family].sampleInput(size)) as Record<string, unknown>;
  switch (family) {
    case 'consensus':
      s.height = (s.height as number) + k;
      break;
    case 'uptime':
      s.validator = (s.validator as number) + k;
      break;
    case 'pruning':
      s.firstHeight = (s.firstHeight as number) + k;
      break;
    case 'state': {
      const root = s.initialRoot as number[];
      root[0] = (root[0] + k) % P;
      break;
    }
    case 'transaction': {
      const t = (s.transfers as { amount: number }[])[0];
      t.amount += k;
      break;
    }
  }
  return s;
}
