/**
 * The fuzz target for `verify` (docs/verifier-hardening.md §5.3, issue 12): structure-aware
 * mutations of real valid proofs, in both wire formats (envelope and bare postcard), generated
 * with fast-check and checked against the verifier's contract:
 *   - never accepted unless the input is byte-identical to the valid proof and its public values;
 *   - never throws;
 *   - every result is a known rejection code, and never INTERNAL_INVARIANT.
 *
 * Used by scripts/fuzz.ts (`npm run fuzz`) and by test/fuzz/regressions.test.ts (replays every
 * saved finding and example under test/fuzz/regressions/).
 *
 * Mutations. A v0.6.2 postcard body is a sequence of LEB128 varints and single bytes below 0x80
 * (option tags, log arities), so it splits exactly into tokens; token-level operations then hit
 * whole fields: inflated length prefixes (2^31, 2^32, 2^53 − 1, a 10-byte varint, expected ± 1),
 * non-canonical varints (padded, 6-byte, overflowing 5-byte) and field elements ≥ p, swapped,
 * duplicated and deleted runs of 1/4/8/16 tokens (elements, extension elements, digests), and
 * splices from other valid proofs. Byte-level operations (bit flips, byte sets, truncation,
 * trailing bytes) apply to the final input, envelope header included; envelope operations re-wrap
 * the body with another circuit id, another configuration's digest or a wrong body length; and the
 * public values are changed, swapped, extended or shortened.
 *
 * Seeds. Fibonacci (2^4 rows) under the fixture parameters with 4 queries, with and without
 * proof of work, and the `uptime` family (test size) under insecure-test with 4 queries. Four
 * queries, not the presets' two: a changed PoW witness re-samples the query indices, and with two
 * queries on a 64-point domain the old indices come back with probability 2^-12 — an accepted
 * "tampered" proof that is only the preset's soundness error. With four it is 2^-24 per witness
 * mutation, far below what any run reaches.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Air } from '../../src/air/air.ts';
import { FAMILIES } from '../../src/circuits/families.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { getConfig, type StarkConfig } from '../../src/stark/config.ts';
import { wrapEnvelope } from '../../src/stark/envelope.ts';
import { prove } from '../../src/stark/prove.ts';
import { circuitIdOf, compiledFor, KNOWN_REJECTION_CODES, verify } from '../../src/stark/verify.ts';

/** The statement and configuration of a seed (enough to replay an input without proving). */
export interface SeedSpec {
  readonly id: string;
  readonly air: Air;
  readonly config: StarkConfig;
  readonly publicValues: readonly number[];
}

/** A seed: its spec and its valid proof in both formats. */
export interface FuzzSeed extends SeedSpec {
  readonly body: Uint8Array;
  readonly envelope: Uint8Array;
  /** Start offsets of the body's tokens, plus the end. */
  readonly tokens: Uint32Array;
}

const P = 0x78000001;
const fixtureQ4 = (pow: number): StarkConfig =>
  getConfig('plonky3-fixture', { numQueries: 4, commitPowBits: pow, queryPowBits: pow });

let specMemo: Map<string, SeedSpec> | undefined;
/** The seed statements by id (AIRs compiled once per process). */
export function seedSpecs(): Map<string, SeedSpec> {
  if (specMemo) return specMemo;
  const fib = fibonacciAir();
  const uptime = FAMILIES.uptime;
  const st = uptime.build(uptime.sampleInput('test'), { size: 'test', constants: 'default' });
  const specs: SeedSpec[] = [
    { id: 'fib-q4', air: fib, config: fixtureQ4(1), publicValues: [...fibonacciPublicValues(0, 1, 16)] },
    {
      id: 'fib-q4-nopow',
      air: fib,
      config: fixtureQ4(0),
      publicValues: [...fibonacciPublicValues(0, 1, 16)],
    },
    {
      id: 'uptime-q4',
      air: st.air,
      config: getConfig('insecure-test', { numQueries: 4 }),
      publicValues: [...st.publicValues],
    },
  ];
  for (const s of specs) compiledFor(s.air);
  specMemo = new Map(specs.map((s) => [s.id, s]));
  return specMemo;
}

/**
 * Start offsets of the varint tokens of a postcard body, plus its length at the end.
 * @param body a valid body (every item a varint or a byte below 0x80)
 * @returns the offsets
 */
export function tokenize(body: Uint8Array): Uint32Array {
  const starts: number[] = [];
  let i = 0;
  while (i < body.length) {
    starts.push(i);
    while (i < body.length && body[i] & 0x80) i++;
    i++;
  }
  starts.push(body.length);
  return Uint32Array.from(starts);
}

/** Proves the seeds (deterministic) and the splice donors. */
export async function buildSeeds(): Promise<{ seeds: FuzzSeed[]; donors: Uint8Array[] }> {
  const seeds: FuzzSeed[] = [];
  const specs = seedSpecs();
  for (const s of specs.values()) {
    let body: Uint8Array;
    if (s.id.startsWith('fib'))
      body = await prove(s.air, generateFibonacciTrace(0, 1, 16), s.publicValues, s.config);
    else {
      const u = FAMILIES.uptime;
      const st = u.build(u.sampleInput('test'), { size: 'test', constants: 'default' });
      body = await prove(st.air, st.trace, st.publicValues, s.config);
    }
    if (!verify(s.air, body, s.publicValues, s.config, { format: 'postcard', allowInsecure: true }).ok)
      throw new Error(`seed ${s.id} does not verify`);
    seeds.push({
      ...s,
      body,
      envelope: wrapEnvelope(body, circuitIdOf(s.air), s.config),
      tokens: tokenize(body),
    });
  }
  // From the repository root (npm scripts and vitest run there; scripts/fuzz.ts runs as a bundle).
  const golden = JSON.parse(
    readFileSync(join(process.cwd(), 'test/vectors/uni_stark_fib_fixture_v0.6.2.json'), 'utf8'),
  );
  const other = await prove(
    fibonacciAir(),
    generateFibonacciTrace(3, 5, 16),
    [...fibonacciPublicValues(3, 5, 16)],
    fixtureQ4(1),
  );
  const donors = [
    ...seeds.map((s) => s.body),
    Uint8Array.from(Buffer.from(golden.postcard_hex, 'hex')),
    other,
  ];
  return { seeds, donors };
}

/** Operation kinds; each takes three naturals interpreted modulo the sizes at hand. */
export const OP_KINDS = [
  'flipBit',
  'setByte',
  'truncate',
  'append',
  'inflateLength',
  'nonCanonicalVarint',
  'fieldValue',
  'swapRuns',
  'duplicateRun',
  'deleteRun',
  'splice',
  'envelope',
  'publics',
] as const;
export type OpKind = (typeof OP_KINDS)[number];
/** One mutation: its kind and three naturals. */
export type Op = readonly [OpKind, number, number, number];
/** One fuzz input, as a plan: which seed, which format, which mutations (applied in order). */
export interface Plan {
  readonly seed: number;
  readonly envelope: boolean;
  readonly ops: readonly Op[];
}

/** The fast-check arbitrary of plans (1–4 operations; fast-check biases the naturals towards edges). */
export function planArbitrary(seedCount: number): fc.Arbitrary<Plan> {
  const op = fc.tuple(fc.constantFrom(...OP_KINDS), fc.nat(), fc.nat(), fc.nat()) as fc.Arbitrary<Op>;
  return fc.record({
    seed: fc.nat({ max: seedCount - 1 }),
    envelope: fc.boolean(),
    ops: fc.array(op, { minLength: 1, maxLength: 4 }),
  });
}

/** A concrete verifier input. */
export interface FuzzInput {
  readonly seed: string;
  readonly format: 'envelope' | 'postcard';
  readonly bytes: Uint8Array;
  readonly publicValues: number[];
}

/** Minimal LEB128 of a non-negative integer (BigInt for values above 2^53). */
export function leb128(v: number | bigint): number[] {
  let x = BigInt(v);
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return out;
}

const LENGTH_VALUES: readonly (number | bigint)[] = [
  0,
  1,
  2,
  127,
  128,
  255,
  2 ** 16,
  2 ** 31,
  2 ** 32,
  2 ** 53 - 1,
  2n ** 64n - 1n,
];
const FIELD_VALUES: readonly number[] = [P, P + 1, 2 ** 31, 2 ** 32 - 1, 0, P - 1];
const RUNS = [1, 4, 8, 16] as const;
const BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff] as const;

function tokenValue(t: Uint8Array): number {
  let v = 0;
  let scale = 1;
  for (let i = 0; i < t.length; i++) {
    v += (t[i] & 0x7f) * scale;
    scale *= 128;
  }
  return v;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const mod = (a: number, n: number): number => (n <= 0 ? 0 : a % n);

const donorTokens = new WeakMap<Uint8Array, Uint32Array>();
function tokensOf(d: Uint8Array): Uint32Array {
  let t = donorTokens.get(d);
  if (!t) {
    t = tokenize(d);
    donorTokens.set(d, t);
  }
  return t;
}

/**
 * Builds the input of a plan.
 * @param plan the plan
 * @param seeds the seeds
 * @param donors valid bodies to splice from
 * @returns the input (its seed, format, bytes and public values)
 */
export function applyPlan(plan: Plan, seeds: readonly FuzzSeed[], donors: readonly Uint8Array[]): FuzzInput {
  const s = seeds[mod(plan.seed, seeds.length)];
  const tk = s.tokens;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i + 1 < tk.length; i++) chunks.push(s.body.subarray(tk[i], tk[i + 1]));
  const publics = [...s.publicValues];
  let wrap: { id: string; config: StarkConfig; lengthDelta: number } = {
    id: circuitIdOf(s.air),
    config: s.config,
    lengthDelta: 0,
  };
  const byteOps: Op[] = [];
  for (const op of plan.ops) {
    const [kind, a, b, c] = op;
    const n = chunks.length;
    switch (kind) {
      case 'inflateLength': {
        // small-valued tokens: lengths, tags, arities, degree bits
        const small: number[] = [];
        for (let i = 0; i < n; i++) if (chunks[i].length === 1) small.push(i);
        if (small.length === 0) break;
        const i = small[mod(a, small.length)];
        const v = tokenValue(chunks[i]);
        const choices = [v + 1, Math.max(0, v - 1), ...LENGTH_VALUES];
        chunks[i] = Uint8Array.from(leb128(choices[mod(b, choices.length)]));
        break;
      }
      case 'nonCanonicalVarint': {
        if (n === 0) break;
        const i = mod(a, n);
        const t = chunks[i];
        const form = mod(b, 3);
        if (form === 0) {
          // padded: the same value with one more (zero) continuation byte
          const p = Uint8Array.from([...t, 0]);
          p[t.length - 1] |= 0x80;
          chunks[i] = p;
        } else if (form === 1)
          chunks[i] = Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01); // 6 bytes
        else chunks[i] = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x10 + mod(c, 0x70)); // u32 overflow
        break;
      }
      case 'fieldValue': {
        // multi-byte tokens are (almost all) field elements
        const big: number[] = [];
        for (let i = 0; i < n; i++) if (chunks[i].length > 1) big.push(i);
        if (big.length === 0) break;
        // a non-canonical value (>= p), an edge value, or any canonical one (decodes, then the
        // transcript or the Merkle/FRI/OOD checks must catch it)
        const k = mod(b, FIELD_VALUES.length + 2);
        const v = k < FIELD_VALUES.length ? FIELD_VALUES[k] : mod(c, P);
        chunks[big[mod(a, big.length)]] = Uint8Array.from(leb128(v));
        break;
      }
      case 'swapRuns': {
        const len = RUNS[mod(c, RUNS.length)];
        if (n < 2 * len) break;
        const i = mod(a, n - len + 1);
        const j = mod(b, n - len + 1);
        if (Math.abs(i - j) < len) break;
        const x = chunks.slice(i, i + len);
        const y = chunks.slice(j, j + len);
        chunks.splice(i, len, ...y);
        chunks.splice(j, len, ...x);
        break;
      }
      case 'duplicateRun': {
        const len = RUNS[mod(c, RUNS.length)];
        if (n < len) break;
        const i = mod(a, n - len + 1);
        chunks.splice(i + len, 0, ...chunks.slice(i, i + len));
        break;
      }
      case 'deleteRun': {
        const len = RUNS[mod(c, RUNS.length)];
        if (n < len) break;
        chunks.splice(mod(a, n - len + 1), len);
        break;
      }
      case 'splice': {
        const d = donors[mod(a, donors.length)];
        const dt = tokensOf(d);
        const len = RUNS[mod(c, RUNS.length)] * (1 + mod(c >>> 2, 4));
        const dn = dt.length - 1;
        if (dn < len || n === 0) break;
        const di = mod(b, dn - len + 1);
        const piece = d.subarray(dt[di], dt[di + len]);
        const at = mod(b >>> 1, n);
        // replace a run of the same token count at `at`, or insert when c is odd
        chunks.splice(at, c & 1 ? 0 : Math.min(len, n - at), piece);
        break;
      }
      case 'envelope': {
        const other = seeds[mod(b, seeds.length)];
        const form = mod(a, 4);
        if (form === 0) wrap = { ...wrap, id: circuitIdOf(other.air) };
        else if (form === 1) wrap = { ...wrap, config: other.config };
        else if (form === 2) wrap = { ...wrap, id: `x${mod(c, 1000)}@1` };
        else wrap = { ...wrap, lengthDelta: (mod(c, 2) === 0 ? 1 : -1) * (1 + mod(c >>> 1, 3)) };
        break;
      }
      case 'publics': {
        const form = mod(a, 4);
        if (form === 0 && publics.length > 0) {
          const i = mod(b, publics.length);
          publics[i] = (publics[i] + 1 + mod(c, P - 1)) % P;
        } else if (form === 1 && publics.length > 1) {
          const i = mod(b, publics.length);
          const j = mod(c, publics.length);
          if (publics[i] !== publics[j]) [publics[i], publics[j]] = [publics[j], publics[i]];
          else publics[i] = (publics[i] + 1) % P;
        } else if (form === 2) publics.push(mod(c, P));
        else if (publics.length > 0) publics.pop();
        else publics.push(0);
        break;
      }
      default:
        byteOps.push(op);
    }
  }
  const body = concat(chunks);
  let bytes: Uint8Array;
  if (plan.envelope) {
    bytes = wrapEnvelope(body, wrap.id, wrap.config);
    if (wrap.lengthDelta !== 0) {
      const at = 38 + wrap.id.length;
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      dv.setUint32(at, (dv.getUint32(at, true) + wrap.lengthDelta) >>> 0, true);
    }
  } else bytes = body;
  for (const [kind, a, b, c] of byteOps) {
    const n = bytes.length;
    if (kind === 'flipBit' && n > 0) bytes[mod(a, n)] ^= 1 << mod(b, 8);
    else if (kind === 'setByte' && n > 0) {
      // half the time inside the first 64 bytes (envelope header, degree bits, commitments)
      const i = mod(a, c & 1 ? Math.min(n, 64) : n);
      bytes[i] = c & 2 ? BYTES[mod(b, BYTES.length)] : mod(b, 256);
    } else if (kind === 'truncate') bytes = bytes.slice(0, mod(a, Math.max(1, n)));
    else if (kind === 'append') {
      const extra = new Uint8Array(1 + mod(a, 8)).fill(mod(b, 256));
      bytes = concat([bytes, extra]);
    }
  }
  return { seed: s.id, format: plan.envelope ? 'envelope' : 'postcard', bytes, publicValues: publics };
}

/** The outcome classes of one input. */
export type OutcomeKind = 'rejected' | 'identical' | 'accepted' | 'threw' | 'internal' | 'unknown-code';
/** The outcome of one input. */
export interface Outcome {
  readonly kind: OutcomeKind;
  /** The rejection code, 'OK', or 'THROWN'. */
  readonly code: string;
  readonly detail: string;
  readonly ms: number;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Whether an input is byte-for-byte the seed's valid proof and statement.
 * @param input the input
 * @param original the seed's valid proof in the input's format, or undefined when not at hand
 * @param publics the seed's public values
 */
function isIdentical(
  input: FuzzInput,
  original: Uint8Array | undefined,
  publics: readonly number[],
): boolean {
  if (original === undefined || !sameBytes(input.bytes, original)) return false;
  if (input.publicValues.length !== publics.length) return false;
  for (let i = 0; i < publics.length; i++) if (input.publicValues[i] !== publics[i]) return false;
  return true;
}

/**
 * Runs `verify` on an input and classifies the result against the contract.
 * @param input the input
 * @param seed the seed's spec, with its valid proof when at hand (fuzzing) or without (replay)
 * @returns the outcome
 */
export function checkInput(
  input: FuzzInput,
  seed: SeedSpec & Partial<Pick<FuzzSeed, 'body' | 'envelope'>>,
): Outcome {
  const t0 = performance.now();
  let r: ReturnType<typeof verify>;
  try {
    r = verify(seed.air, input.bytes, input.publicValues, seed.config, {
      format: input.format,
      allowInsecure: true,
    });
  } catch (e) {
    return {
      kind: 'threw',
      code: 'THROWN',
      detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      ms: performance.now() - t0,
    };
  }
  const ms = performance.now() - t0;
  const original = input.format === 'envelope' ? seed.envelope : seed.body;
  if (r.ok) {
    const same = isIdentical(input, original, seed.publicValues);
    return { kind: same ? 'identical' : 'accepted', code: 'OK', detail: '', ms };
  }
  if (r.code === 'INTERNAL_INVARIANT') return { kind: 'internal', code: r.code, detail: r.detail, ms };
  if (!KNOWN_REJECTION_CODES.has(r.code)) return { kind: 'unknown-code', code: r.code, detail: r.detail, ms };
  return { kind: 'rejected', code: r.code, detail: r.detail, ms };
}

/** A saved input (a finding or a hand-picked example) under test/fuzz/regressions/. */
export interface RegressionFile {
  /** 'example' for the seeded cases, else the OutcomeKind found. */
  readonly kind: string;
  readonly seed: string;
  readonly format: 'envelope' | 'postcard';
  readonly publicValues: number[];
  readonly bytesHex: string;
  /** What it exercises. */
  readonly note: string;
  /** For examples: the code the verifier gave when saved (replay asserts it). */
  readonly expectCode?: string;
  readonly plan?: Plan;
}

/**
 * The saved form of an input.
 * @param input the input
 * @param kind 'example' or the finding's kind
 * @param note what it exercises
 * @param extra plan and expected code
 * @returns the file contents
 */
export function toRegression(
  input: FuzzInput,
  kind: string,
  note: string,
  extra: { plan?: Plan; expectCode?: string } = {},
): RegressionFile {
  return {
    kind,
    seed: input.seed,
    format: input.format,
    publicValues: input.publicValues,
    bytesHex: Buffer.from(input.bytes).toString('hex'),
    note,
    ...extra,
  };
}

/**
 * The input of a saved file.
 * @param f the file contents
 * @returns the input
 */
export function fromRegression(f: RegressionFile): FuzzInput {
  return {
    seed: f.seed,
    format: f.format,
    bytes: Uint8Array.from(Buffer.from(f.bytesHex, 'hex')),
    publicValues: [...f.publicValues],
  };
}

/** Counters of a run. */
export interface FuzzCounts {
  inputs: number;
  rejected: number;
  identical: number;
  accepted: number;
  threw: number;
  internal: number;
  unknownCode: number;
  slow: number;
  maxMs: number;
  codes: Record<string, number>;
}

/** Empty counters. */
export const emptyCounts = (): FuzzCounts => ({
  inputs: 0,
  rejected: 0,
  identical: 0,
  accepted: 0,
  threw: 0,
  internal: 0,
  unknownCode: 0,
  slow: 0,
  maxMs: 0,
  codes: {},
});

/** A finding: an input that broke the contract (or ran slower than the bound). */
export interface Finding {
  readonly input: FuzzInput;
  readonly plan: Plan;
  readonly outcome: Outcome;
  /** The outcome kind, or 'slow'. */
  readonly kind: string;
}

/**
 * Fuzzes until `inputs` mutated inputs were run or `deadline` (performance.now() ms) passed.
 * @param o seeds, donors, fast-check seed, stop conditions, the slow bound and a progress callback
 * @returns the counters and the findings
 */
export function fuzzLoop(o: {
  seeds: readonly FuzzSeed[];
  donors: readonly Uint8Array[];
  fcSeed: number;
  inputs: number;
  deadline: number;
  slowMs: number;
  onBatch?: (c: FuzzCounts) => void;
}): { counts: FuzzCounts; findings: Finding[] } {
  const counts = emptyCounts();
  const findings: Finding[] = [];
  const arb = planArbitrary(o.seeds.length);
  const BATCH = 256;
  // The quota counts mutated inputs: a plan whose mutations cancel out (identical) does not count.
  const mutated = (): number => counts.inputs - counts.identical;
  for (let batch = 0; mutated() < o.inputs && performance.now() < o.deadline; batch++) {
    const plans = fc.sample(arb, { seed: (o.fcSeed + batch * 7919) | 0, numRuns: BATCH });
    for (const plan of plans) {
      if (mutated() >= o.inputs) break;
      const input = applyPlan(plan, o.seeds, o.donors);
      const out = checkInput(input, o.seeds[mod(plan.seed, o.seeds.length)]);
      counts.inputs++;
      counts.codes[out.code] = (counts.codes[out.code] ?? 0) + 1;
      if (out.ms > counts.maxMs) counts.maxMs = out.ms;
      if (out.kind === 'unknown-code') counts.unknownCode++;
      else counts[out.kind]++;
      if (out.kind !== 'rejected' && out.kind !== 'identical')
        findings.push({ input, plan, outcome: out, kind: out.kind });
      else if (out.ms > o.slowMs) {
        counts.slow++;
        findings.push({ input, plan, outcome: out, kind: 'slow' });
      }
    }
    o.onBatch?.(counts);
  }
  return { counts, findings };
}
