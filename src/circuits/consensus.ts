/**
 * The `consensus` circuit family: a quorum certificate. One validator per row with its voting
 * power (range-checked to 18 bits) and a boolean vote flag; running totals of all power and of
 * the signed power; on the last row the totals equal the public values and
 * 3 · signed - 2 · total is written in 30 bits, i.e. signed ≥ 2/3 of total.
 * Public values [height, round, totalPower, signedPower].
 *
 * No Plonky3 counterpart (an application AIR). Max constraint degree 3 (the vote-weighted sum).
 * Invariant: at most 2^10 validators with power < 2^18, so total < 2^28 and 3 · signed < P:
 * a failed quorum makes 3s - 2t a field element above 2^30, which has no 30-bit decomposition.
 *
 * Input JSON: { "height": n, "round": n, "validators": [ { "power": n, "voted": bool }, ... ] }
 */
import { type Air, windowAir } from '../air/air.ts';
import { P } from '../field/babybear.ts';
import { matrix } from '../field/matrix.ts';
import type { FamilyAirOptions, FamilyGenerator, FamilySpec } from './family-kit.ts';
import { assertBits, bitsValue, columnLayout, sampleRng, writeBits } from './family-kit.ts';

/** The one-line summary of the family, for reports. */
export const CONSENSUS_SUMMARY = 'quorum certificate: boolean votes, signed power at least 2/3 of the total';

const LAYOUT = columnLayout({
  VOTE: 1,
  POWER: 1,
  CUM_TOTAL: 1,
  CUM_SIGNED: 1,
  // Bit decompositions: a validator's voting power < 2^18, the quorum slack 3 · signed - 2 · total < 2^30.
  POWER_BITS: 18,
  SLACK_BITS: 30,
});
const { VOTE, POWER, CUM_TOTAL, CUM_SIGNED, POWER_BITS, SLACK_BITS } = LAYOUT.at;
/** Bit counts of the decompositions (LAYOUT's group sizes). */
const BITS = LAYOUT.size;
/** Main trace width of the consensus AIR. */
export const CONSENSUS_WIDTH: number = LAYOUT.width;

/**
 * The consensus (quorum certificate) AIR.
 * @param _opts unused (no hashing)
 * @returns the AIR (name 'consensus', degree 3)
 */
export function consensusAir(_opts: FamilyAirOptions = {}): Air {
  return windowAir(
    { name: 'consensus', width: CONSENSUS_WIDTH, numPublicValues: 4, maxConstraintDegree: 3 },
    (b, l, n, [, , totalPower, signedPower]) => {
      b.assertBool(l[VOTE]);
      assertBits(b, l, POWER_BITS, BITS.POWER_BITS);
      assertBits(b, l, SLACK_BITS, BITS.SLACK_BITS);
      b.assertEq(l[POWER], bitsValue(b, l, POWER_BITS, BITS.POWER_BITS));
      const first = b.whenFirstRow();
      first.assertEq(l[CUM_TOTAL], l[POWER]);
      first.assertEq(l[CUM_SIGNED], b.mul(l[VOTE], l[POWER]));
      const t = b.whenTransition();
      t.assertEq(n[CUM_TOTAL], b.add(l[CUM_TOTAL], n[POWER]));
      t.assertEq(n[CUM_SIGNED], b.add(l[CUM_SIGNED], b.mul(n[VOTE], n[POWER])));
      const last = b.whenLastRow();
      last.assertEq(l[CUM_TOTAL], totalPower);
      last.assertEq(l[CUM_SIGNED], signedPower);
      last.assertEq(
        b.sub(b.mul(l[CUM_SIGNED], 3), b.mul(l[CUM_TOTAL], 2)),
        bitsValue(b, l, SLACK_BITS, BITS.SLACK_BITS),
      );
    },
  );
}

/**
 * Validates the input and generates the trace.
 * @throws {FamilyInputError} for a malformed input, or (unless unchecked) a missing quorum
 */
const generateConsensus: FamilyGenerator = (rd, o, rows, opts) => {
  const height = rd.uint(o.height, 'height');
  const round = rd.uint(o.round, 'round');
  const vals = rd.array(o.validators, 'validators', 1, rows);
  const w = CONSENSUS_WIDTH;
  const v = new Uint32Array(rows * w);
  let total = 0;
  let signed = 0;
  for (let r = 0; r < rows; r++) {
    if (r < vals.length) {
      const x = rd.object(vals[r], `validators[${r}]`);
      const power = rd.uint(x.power, `validators[${r}].power`, 2 ** BITS.POWER_BITS);
      const voted = rd.bool(x.voted, `validators[${r}].voted`);
      v[r * w + VOTE] = voted ? 1 : 0;
      v[r * w + POWER] = power;
      writeBits(v, w, r, POWER_BITS, BITS.POWER_BITS, power);
      total += power;
      if (voted) signed += power;
    }
    v[r * w + CUM_TOTAL] = total;
    v[r * w + CUM_SIGNED] = signed;
  }
  if (total === 0) rd.fail('validators', 'total voting power is zero');
  if (3 * signed < 2 * total && !opts.unchecked)
    rd.fail('validators', `signed power ${signed} is below 2/3 of the total ${total}`);
  writeBits(v, w, rows - 1, SLACK_BITS, BITS.SLACK_BITS, (3 * signed - 2 * total + P) % P);
  return {
    air: consensusAir(opts),
    trace: matrix(v, w),
    publicValues: Uint32Array.of(height, round, total, signed),
  };
};

/**
 * A deterministic honest certificate: every row a validator, about 80 % of them voted.
 * @param rows the trace height of the size
 * @returns the JSON input
 */
function sampleConsensusInput(rows: number): unknown {
  const rng = sampleRng(0xc0de);
  const validators: { power: number; voted: boolean }[] = [];
  for (let r = 0; r < rows; r++) validators.push({ power: 1 + rng(100_000), voted: rng(5) !== 0 });
  return { height: 123_456, round: 2, validators };
}

/** The consensus family's parts (families.ts names it and adds the shared input checks). */
export const consensusSpec: FamilySpec = {
  // largest log2 validator set: 10
  logRows: { production: 10, test: 4, max: 10 },
  air: consensusAir,
  generate: generateConsensus,
  sampleInput: sampleConsensusInput,
};
