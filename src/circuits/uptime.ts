/**
 * The `uptime` circuit family: heartbeat counting over a window of consecutive slots, one slot
 * per row, against a threshold. Proves that the validator's heartbeat count in the window
 * [startSlot, startSlot + 2^logRows) is at least `threshold`: boolean heartbeat flags, a running
 * count, and on the last row count - threshold written in 20 bits (so it is not negative).
 * Public values [validatorId, startSlot, threshold]; the validator id is bound through the
 * transcript (Plonky3 observes the public values).
 *
 * No Plonky3 counterpart (an application AIR). Max constraint degree 2 (inferred).
 *
 * Input JSON: { "validator": id, "startSlot": n, "threshold": n, "heartbeats": [slot, ...] }
 * (distinct slots inside the window).
 */
import { type Air, windowAir } from '../air/air.ts';
import { P } from '../field/babybear.ts';
import { matrix } from '../field/matrix.ts';
import type { FamilyAirOptions, FamilyGenerator, FamilySpec } from './family-kit.ts';
import { assertBits, bitsValue, columnLayout, sampleRng, writeBits } from './family-kit.ts';

/** The one-line summary of the family, for reports. */
export const UPTIME_SUMMARY = 'heartbeat count over a slot window is at least the threshold';

/** Bits of count - threshold (the window has at most 2^20 slots). */
export const UPTIME_SLACK_BITS = 20;
/** Largest log2 window. */
export const UPTIME_MAX_LOG_ROWS = 20;

const LAYOUT = columnLayout({ SLOT: 1, BEAT: 1, COUNT: 1, SLACK_BITS: UPTIME_SLACK_BITS });
const { SLOT, BEAT, COUNT, SLACK_BITS } = LAYOUT.at;
/** Main trace width of the uptime AIR. */
export const UPTIME_WIDTH: number = LAYOUT.width;

/**
 * The uptime AIR (public values [validatorId, startSlot, threshold]).
 * @param _opts unused (no hashing)
 * @returns the AIR (name 'uptime', degree 2)
 */
export function uptimeAir(_opts: FamilyAirOptions = {}): Air {
  return windowAir(
    { name: 'uptime', width: UPTIME_WIDTH, numPublicValues: 3 },
    (b, l, n, [, startSlot, threshold]) => {
      b.assertBool(l[BEAT]);
      assertBits(b, l, SLACK_BITS, UPTIME_SLACK_BITS);
      const first = b.whenFirstRow();
      first.assertEq(l[SLOT], startSlot);
      first.assertEq(l[COUNT], l[BEAT]);
      const t = b.whenTransition();
      t.assertEq(n[SLOT], b.add(l[SLOT], 1));
      t.assertEq(n[COUNT], b.add(l[COUNT], n[BEAT]));
      b.whenLastRow().assertEq(b.sub(l[COUNT], threshold), bitsValue(b, l, SLACK_BITS, UPTIME_SLACK_BITS));
    },
  );
}

/**
 * Validates the input and generates the trace.
 * @throws {FamilyInputError} for a malformed input, or (unless unchecked) a count below threshold
 */
const generateUptime: FamilyGenerator = (rd, o, rows, opts) => {
  const validator = rd.uint(o.validator, 'validator');
  const startSlot = rd.uint(o.startSlot, 'startSlot', P - rows);
  const threshold = rd.uint(o.threshold, 'threshold', rows + 1);
  const beats = rd.array(o.heartbeats, 'heartbeats', 0, rows);
  const w = UPTIME_WIDTH;
  const v = new Uint32Array(rows * w);
  for (let i = 0; i < beats.length; i++) {
    const s = rd.uint(beats[i], `heartbeats[${i}]`);
    if (s < startSlot || s >= startSlot + rows)
      rd.fail(`heartbeats[${i}]`, `slot ${s} is outside the window ${startSlot}..${startSlot + rows - 1}`);
    const r = s - startSlot;
    if (v[r * w + BEAT] === 1) rd.fail(`heartbeats[${i}]`, `slot ${s} is listed twice`);
    v[r * w + BEAT] = 1;
  }
  if (beats.length < threshold && !opts.unchecked)
    rd.fail('heartbeats', `${beats.length} heartbeats are below the threshold ${threshold}`);
  let count = 0;
  for (let r = 0; r < rows; r++) {
    v[r * w + SLOT] = startSlot + r;
    count += v[r * w + BEAT];
    v[r * w + COUNT] = count;
  }
  writeBits(v, w, rows - 1, SLACK_BITS, UPTIME_SLACK_BITS, (count - threshold + P) % P);
  return {
    air: uptimeAir(opts),
    trace: matrix(v, w),
    publicValues: Uint32Array.of(validator, startSlot, threshold),
  };
};

/**
 * A deterministic honest window: about 90 % of the slots have a heartbeat, threshold 2/3.
 * @param rows the trace height of the size
 * @returns the JSON input
 */
function sampleUptimeInput(rows: number): unknown {
  const rng = sampleRng(0x0b7e);
  const startSlot = 1_000_000;
  const heartbeats: number[] = [];
  for (let r = 0; r < rows; r++) if (rng(10) !== 0) heartbeats.push(startSlot + r);
  return { validator: 42, startSlot, threshold: Math.ceil((2 * rows) / 3), heartbeats };
}

/** The uptime family's parts (families.ts names it and adds the shared input checks). */
export const uptimeSpec: FamilySpec = {
  logRows: { production: 13, test: 4, max: UPTIME_MAX_LOG_ROWS },
  air: uptimeAir,
  generate: generateUptime,
  sampleInput: sampleUptimeInput,
};
