/**
 * The `transaction` circuit family: a batch of transfers applied to account balances, one
 * transfer per row. Each row proves balance conservation for its two accounts
 * (senderBefore = senderAfter + amount + fee, receiverAfter = receiverBefore + amount), range
 * checks by bit decomposition (amount < 2^20, fee < 2^16, senderAfter and receiverBefore < 2^30,
 * so no value wraps mod P and nobody overdraws), sender != receiver, and running totals whose
 * last row equals the public values [count, totalAmount, totalFee].
 *
 * No Plonky3 counterpart (an application AIR). Max constraint degree 3.
 * Invariants: rows after the last transfer are padding (active = 0, amount = fee = 0); active
 * never goes 0 -> 1; at most 2^10 rows so the totals stay below 2^30 < P.
 *
 * Input JSON: { "balances": { "<account id>": balance, ... },
 *               "transfers": [ { "from": id, "to": id, "amount": n, "fee": n }, ... ] }
 * Transfers apply in order; the generator tracks the balances, so an account may appear many times.
 */
import { type Air, windowAir } from '../air/air.ts';
import { inverse, P, sub } from '../field/babybear.ts';
import { matrix } from '../field/matrix.ts';
import type { FamilyAirOptions, FamilyGenerator, FamilySpec } from './family-kit.ts';
import { assertBits, bitsValue, columnLayout, sampleRng, writeBits } from './family-kit.ts';

/** The one-line summary of the family, for reports. */
export const TX_SUMMARY =
  'batch of transfers: per-transfer balance conservation, range-checked amounts, public totals';

const LAYOUT = columnLayout({
  ACTIVE: 1,
  SENDER: 1,
  RECEIVER: 1,
  DIFF_INV: 1,
  S_BEFORE: 1,
  S_AFTER: 1,
  R_BEFORE: 1,
  R_AFTER: 1,
  AMOUNT: 1,
  FEE: 1,
  CUM_COUNT: 1,
  CUM_AMOUNT: 1,
  CUM_FEE: 1,
  // Bit decompositions: an amount < 2^20, a fee < 2^16, balances < 2^30.
  AMOUNT_BITS: 20,
  FEE_BITS: 16,
  S_AFTER_BITS: 30,
  R_BEFORE_BITS: 30,
});
const {
  ACTIVE,
  SENDER,
  RECEIVER,
  DIFF_INV,
  S_BEFORE,
  S_AFTER,
  R_BEFORE,
  R_AFTER,
  AMOUNT,
  FEE,
  CUM_COUNT,
  CUM_AMOUNT,
  CUM_FEE,
  AMOUNT_BITS,
  FEE_BITS,
  S_AFTER_BITS,
  R_BEFORE_BITS,
} = LAYOUT.at;
/** Bit counts of the decompositions (LAYOUT's group sizes). */
const BITS = LAYOUT.size;
/** Bits of a balance (the sender-after and receiver-before decompositions). */
const BALANCE_BITS = BITS.S_AFTER_BITS;
/** Main trace width of the transaction AIR. */
export const TX_WIDTH: number = LAYOUT.width;

/**
 * The transaction AIR (public values [count, totalAmount, totalFee]).
 * @param _opts unused (no hashing)
 * @returns the AIR (name 'transaction', degree 3)
 */
export function transactionAir(_opts: FamilyAirOptions = {}): Air {
  return windowAir(
    { name: 'transaction', width: TX_WIDTH, numPublicValues: 3, maxConstraintDegree: 3 },
    (b, l, n, [count, totalAmount, totalFee]) => {
      const inactive = b.sub(1, l[ACTIVE]);
      b.assertBool(l[ACTIVE]);
      assertBits(b, l, AMOUNT_BITS, BITS.AMOUNT_BITS);
      assertBits(b, l, FEE_BITS, BITS.FEE_BITS);
      assertBits(b, l, S_AFTER_BITS, BALANCE_BITS);
      assertBits(b, l, R_BEFORE_BITS, BALANCE_BITS);
      b.assertEq(l[AMOUNT], bitsValue(b, l, AMOUNT_BITS, BITS.AMOUNT_BITS));
      b.assertEq(l[FEE], bitsValue(b, l, FEE_BITS, BITS.FEE_BITS));
      b.assertEq(l[S_AFTER], bitsValue(b, l, S_AFTER_BITS, BALANCE_BITS));
      b.assertEq(l[R_BEFORE], bitsValue(b, l, R_BEFORE_BITS, BALANCE_BITS));
      // conservation per transfer
      b.assertEq(l[S_BEFORE], b.sum([l[S_AFTER], l[AMOUNT], l[FEE]]));
      b.assertEq(l[R_AFTER], b.add(l[R_BEFORE], l[AMOUNT]));
      // sender != receiver on active rows: (s - r) * inv = 1
      b.when(l[ACTIVE]).assertOne(b.mul(b.sub(l[SENDER], l[RECEIVER]), l[DIFF_INV]));
      // padding moves nothing
      b.when(inactive).assertZero(l[AMOUNT]);
      b.when(inactive).assertZero(l[FEE]);
      // running totals
      const first = b.whenFirstRow();
      first.assertEq(l[CUM_COUNT], l[ACTIVE]);
      first.assertEq(l[CUM_AMOUNT], l[AMOUNT]);
      first.assertEq(l[CUM_FEE], l[FEE]);
      const t = b.whenTransition();
      t.assertZero(b.mul(inactive, n[ACTIVE]));
      t.assertEq(n[CUM_COUNT], b.add(l[CUM_COUNT], n[ACTIVE]));
      t.assertEq(n[CUM_AMOUNT], b.add(l[CUM_AMOUNT], n[AMOUNT]));
      t.assertEq(n[CUM_FEE], b.add(l[CUM_FEE], n[FEE]));
      const last = b.whenLastRow();
      last.assertEq(l[CUM_COUNT], count);
      last.assertEq(l[CUM_AMOUNT], totalAmount);
      last.assertEq(l[CUM_FEE], totalFee);
    },
  );
}

interface Transfer {
  from: number;
  to: number;
  amount: number;
  fee: number;
}

/**
 * Validates the input and generates the trace.
 * @throws {FamilyInputError} for a malformed input, or (unless unchecked) an overdraft
 */
const generateTransaction: FamilyGenerator = (rd, o, rows, opts) => {
  const balObj = rd.object(o.balances, 'balances');
  const balances = new Map<number, number>();
  for (const [k, v] of Object.entries(balObj)) {
    balances.set(rd.uint(k, `balances.${k} (account id)`), rd.uint(v, `balances.${k}`, 2 ** BALANCE_BITS));
  }
  const list = rd.array(o.transfers, 'transfers', 1, rows);
  const transfers: Transfer[] = list.map((t, i) => {
    const f = `transfers[${i}]`;
    const x = rd.object(t, f);
    const tr = {
      from: rd.uint(x.from, `${f}.from`),
      to: rd.uint(x.to, `${f}.to`),
      amount: rd.uint(x.amount, `${f}.amount`, 2 ** BITS.AMOUNT_BITS),
      fee: rd.uint(x.fee ?? 0, `${f}.fee`, 2 ** BITS.FEE_BITS),
    };
    if (tr.from === tr.to) rd.fail(`${f}.to`, 'sender and receiver are the same account');
    return tr;
  });
  const w = TX_WIDTH;
  const v = new Uint32Array(rows * w);
  let cumAmount = 0;
  let cumFee = 0;
  for (let r = 0; r < rows; r++) {
    const o2 = r * w;
    if (r < transfers.length) {
      const t = transfers[r];
      const f = `transfers[${r}]`;
      const sBefore = balances.get(t.from) ?? 0;
      const rBefore = balances.get(t.to) ?? 0;
      let sAfter = sBefore - t.amount - t.fee;
      const rAfter = rBefore + t.amount;
      if (sAfter < 0) {
        if (!opts.unchecked)
          rd.fail(f, `account ${t.from} has ${sBefore}, cannot pay ${t.amount} + fee ${t.fee}`);
        sAfter = (sAfter % P) + P; // the field value a cheating prover would have to use
      }
      if (rAfter >= 2 ** BALANCE_BITS && !opts.unchecked)
        rd.fail(f, `account ${t.to} would exceed 2^${BALANCE_BITS}`);
      balances.set(t.from, sAfter);
      balances.set(t.to, rAfter);
      cumAmount += t.amount;
      cumFee += t.fee;
      v[o2 + ACTIVE] = 1;
      v[o2 + SENDER] = t.from;
      v[o2 + RECEIVER] = t.to;
      v[o2 + DIFF_INV] = inverse(sub(t.from, t.to));
      v[o2 + S_BEFORE] = sBefore;
      v[o2 + S_AFTER] = sAfter;
      v[o2 + R_BEFORE] = rBefore;
      v[o2 + R_AFTER] = rAfter % P;
      v[o2 + AMOUNT] = t.amount;
      v[o2 + FEE] = t.fee;
      writeBits(v, w, r, AMOUNT_BITS, BITS.AMOUNT_BITS, t.amount);
      writeBits(v, w, r, FEE_BITS, BITS.FEE_BITS, t.fee);
      writeBits(v, w, r, S_AFTER_BITS, BALANCE_BITS, sAfter);
      writeBits(v, w, r, R_BEFORE_BITS, BALANCE_BITS, rBefore);
    }
    v[o2 + CUM_COUNT] = Math.min(r + 1, transfers.length);
    v[o2 + CUM_AMOUNT] = cumAmount;
    v[o2 + CUM_FEE] = cumFee;
  }
  return {
    air: transactionAir(opts),
    trace: matrix(v, w),
    publicValues: Uint32Array.of(transfers.length, cumAmount, cumFee),
  };
};

/**
 * A deterministic honest batch filling all but 3 rows of the size.
 * @param rows the trace height of the size
 * @returns the JSON input
 */
function sampleTransactionInput(rows: number): unknown {
  const rng = sampleRng(0x7a11);
  const accounts = 64;
  const balances: Record<string, number> = {};
  for (let a = 1; a <= accounts; a++) balances[String(a * 1000 + 7)] = 5_000_000 + rng(1_000_000);
  const transfers: Transfer[] = [];
  const n = rows - 3;
  for (let i = 0; i < n; i++) {
    const from = (1 + rng(accounts)) * 1000 + 7;
    let to = (1 + rng(accounts)) * 1000 + 7;
    if (to === from) to = from === 1007 ? 2007 : 1007;
    transfers.push({ from, to, amount: 1 + rng(20_000), fee: rng(100) });
  }
  return { balances, transfers };
}

/** The transaction family's parts (families.ts names it and adds the shared input checks). */
export const transactionSpec: FamilySpec = {
  // largest log2 batch: 10, so the totals stay below 2^30
  logRows: { production: 10, test: 3, max: 10 },
  air: transactionAir,
  generate: generateTransaction,
  sampleInput: sampleTransactionInput,
};
