/**
 * uni-stark verifier, non-ZK (docs/protocol.md §10.5; docs/verifier-hardening.md §3), mirroring
 * Plonky3/Plonky3:uni-stark/src/verifier.rs at v0.6.2, with the hardening pipeline around it:
 * size limit, canonical decoding with bounded lengths, envelope policy checks before any
 * hashing, shape checks, transcript, PCS/FRI, OOD check.
 *
 * `verify` never throws for anything derived from its inputs: every failure is a
 * `{ ok: false, code, detail }`; an unexpected exception becomes INTERNAL_INVARIANT.
 * The work is bounded by the configuration and the AIR, never by a length read from the proof.
 */
import type { Air } from '../air/air.ts';
import { periodicValuesAtPoint, selectorsAtPoint, vanishingAtBase, vanishingAtPoint } from '../air/domain.ts';
import { evalFoldedAtPoint } from '../air/eval.ts';
import { type CompiledAir, compileAirCached } from '../air/program.ts';
import { GENERATOR, inverse, mul, P, twoAdicGenerator } from '../field/babybear.ts';
import {
  ext4AddInto,
  ext4Equals,
  ext4InverseInto,
  ext4IsZero,
  ext4MulBaseInto,
  ext4MulInto,
  ext4SubInto,
} from '../field/ext4.ts';
import type { Challenger } from '../fri/transcript.ts';
import type { PcsRound } from '../fri/verifier.ts';
import { verifyPcs } from '../fri/verifier.ts';
import type { DecodeLimits } from './codec.ts';
import { decodeProof, varintLength } from './codec.ts';
import type { ConstantSet, StarkConfig } from './config.ts';
import { validateConfig } from './config.ts';
import { checkEnvelope, envelopeHeaderLength, MAX_CIRCUIT_ID_LENGTH, parseEnvelope } from './envelope.ts';
import type { VerifyResult } from './errors.ts';
import { ProofRejectedError, RejectionCode, reject, VerifierConfigError } from './errors.ts';
import { challengerFor, mmcsFor } from './instance.ts';
import type { Proof } from './proof.ts';
import { checkSecurityPolicy, securityReport } from './security.ts';

/** Wire format of the bytes given to `verify`. */
export const ProofFormat = { envelope: 'envelope', postcard: 'postcard' } as const;
export type ProofFormat = (typeof ProofFormat)[keyof typeof ProofFormat];

/** The global hard cap on a proof's size in bytes (docs/verifier-hardening.md §3.3); options can only lower it. */
export const MAX_PROOF_BYTES: number = 16 * 1024 * 1024;

/** Options of `verify`. Every one is validated before any proof byte is read. */
export interface VerifyOptions {
  /** `envelope` (default) or the bare Plonky3 `postcard` body. */
  readonly format?: ProofFormat;
  /** Circuit ids loaded by the caller (envelope mode); default only this AIR's id. */
  readonly knownCircuits?: readonly string[];
  /** Pre-compiled AIR. */
  readonly compiled?: CompiledAir;
  /** Hard cap on the input size in bytes, an integer ≥ 1 (only lowers the derived bound). */
  readonly maxProofBytes?: number;
  /** Operator floor on the composite security bits, an integer 0..256 (only raises the preset's floor, docs/verifier-hardening.md §6.2). */
  readonly minSecurityBits?: number;
  /** For static-height AIRs: the verifying key's degree bits (0..27); any other value is VK_DEGREE_MISMATCH. */
  readonly expectedDegreeBits?: number;
  /**
   * Test mode: accept a test-only preset (`insecure-test`, `plonky3-fixture`) or a configuration
   * below its preset's security floor, and skip the preset's per-proof floor. Without it such a
   * configuration is refused with VerifierConfigError before any proof byte is read.
   */
  readonly allowInsecure?: boolean;
}

/** Validated options: every value read exactly once. */
export interface CheckedVerifyOptions {
  readonly format: ProofFormat;
  readonly knownCircuits: readonly string[] | undefined;
  readonly compiled: CompiledAir | undefined;
  readonly maxProofBytes: number | undefined;
  readonly minSecurityBits: number | undefined;
  readonly expectedDegreeBits: number | undefined;
  readonly allowInsecure: boolean;
}

const optionError = (name: string, want: string, got: unknown): VerifierConfigError =>
  new VerifierConfigError(
    `verify options: ${name} must be ${want}, got ${typeof got === 'number' || typeof got === 'boolean' ? String(got) : typeof got}`,
  );

/** Reads one property once; a throwing getter or Proxy trap is a VerifierConfigError. */
function readProp(o: object, key: string, what: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch (e) {
    throw new VerifierConfigError(
      `${what}: ${key} cannot be read (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}

function intOption(o: object, key: string, lo: number, hi: number): number | undefined {
  const v = readProp(o, key, 'verify options');
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw optionError(key, `an integer in ${lo}..${hi}`, v);
  return v;
}

/**
 * Validates `verify`'s options: NaN, infinities, negatives, non-integers and wrong types are
 * refused with a message naming the option.
 * @param opts the caller's options
 * @returns the options, each read once
 * @throws {VerifierConfigError} for an invalid option
 */
export function checkVerifyOptions(opts: unknown): CheckedVerifyOptions {
  if (opts === undefined) opts = {};
  if (opts === null || typeof opts !== 'object') throw optionError('options', 'an object', opts);
  const format = readProp(opts, 'format', 'verify options') ?? 'envelope';
  if (format !== 'envelope' && format !== 'postcard')
    throw new VerifierConfigError(`verify options: format must be 'envelope' or 'postcard'`);
  const kc = readProp(opts, 'knownCircuits', 'verify options');
  let knownCircuits: string[] | undefined;
  if (kc !== undefined) {
    let isArray: boolean;
    try {
      isArray = Array.isArray(kc); // throws for a revoked Proxy
    } catch {
      isArray = false;
    }
    if (!isArray) throw optionError('knownCircuits', 'an array of circuit ids', kc);
    knownCircuits = [];
    const n = readProp(kc as object, 'length', 'verify options.knownCircuits');
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n > 1 << 16)
      throw optionError('knownCircuits.length', 'a count up to 65536', n);
    for (let i = 0; i < n; i++) {
      const id = readProp(kc as object, String(i), 'verify options.knownCircuits');
      if (typeof id !== 'string') throw optionError(`knownCircuits[${i}]`, 'a string', id);
      knownCircuits.push(id);
    }
  }
  const compiled = readProp(opts, 'compiled', 'verify options');
  if (compiled !== undefined && (compiled === null || typeof compiled !== 'object'))
    throw optionError('compiled', 'a compiled AIR', compiled);
  const allowInsecure = readProp(opts, 'allowInsecure', 'verify options') ?? false;
  if (typeof allowInsecure !== 'boolean') throw optionError('allowInsecure', 'a boolean', allowInsecure);
  return {
    format,
    knownCircuits,
    compiled: compiled as CompiledAir | undefined,
    maxProofBytes: intOption(opts, 'maxProofBytes', 1, Number.MAX_SAFE_INTEGER),
    minSecurityBits: intOption(opts, 'minSecurityBits', 0, 256),
    expectedDegreeBits: intOption(opts, 'expectedDegreeBits', 0, 27),
    allowInsecure,
  };
}

/**
 * An owned, frozen copy of a configuration, each field read once and validated.
 * @param config the caller's configuration
 * @returns the copy
 * @throws {VerifierConfigError} for an unreadable or invalid configuration
 */
function snapshotConfig(config: unknown): StarkConfig {
  if (config === null || typeof config !== 'object') throw optionError('config', 'a StarkConfig', config);
  const fri = readProp(config, 'fri', 'config');
  if (fri === null || typeof fri !== 'object') throw optionError('config.fri', 'FRI parameters', fri);
  const num = (o: object, k: string): number => {
    const v = readProp(o, k, 'config');
    if (typeof v !== 'number') throw optionError(`config ${k}`, 'a number', v);
    return v;
  };
  const name = readProp(config, 'name', 'config');
  if (typeof name !== 'string') throw optionError('config.name', 'a string', name);
  const insecure = readProp(config, 'insecure', 'config');
  if (typeof insecure !== 'boolean') throw optionError('config.insecure', 'a boolean', insecure);
  const snap: StarkConfig = Object.freeze({
    name,
    fri: Object.freeze({
      logBlowup: num(fri, 'logBlowup'),
      logFinalPolyLen: num(fri, 'logFinalPolyLen'),
      maxLogArity: num(fri, 'maxLogArity'),
      numQueries: num(fri, 'numQueries'),
      commitPowBits: num(fri, 'commitPowBits'),
      queryPowBits: num(fri, 'queryPowBits'),
    }),
    constants: readProp(config, 'constants', 'config') as ConstantSet,
    maxLogTraceHeight: num(config, 'maxLogTraceHeight'),
    insecure,
  });
  return validateConfig(snap);
}

/** The circuit id an AIR's proofs carry in the envelope: `<name>@1` unless the name has a version. */
export function circuitIdOf(air: Air): string {
  return air.name.includes('@') ? air.name : `${air.name}@1`;
}

/** compileAir, cached per AIR object (an edited AIR is compiled afresh: `compileAirCached`). */
export function compiledFor(air: Air): CompiledAir {
  return compileAirCached(air);
}

/** Length bounds for the decoder, from the AIR and the configuration (docs/verifier-hardening.md §3.3). */
export function decodeLimitsFor(c: CompiledAir, config: StarkConfig): DecodeLimits {
  const f = config.fri;
  const maxLogH = config.maxLogTraceHeight + Math.max(f.logBlowup, c.logQuotientChunks) + 1;
  return {
    maxRowWidth: 2 * Math.max(c.width, 4) + 8,
    maxOpenedWidth: 2 * c.width + 8,
    maxQuotientChunks: 2 * c.numQuotientChunks + 2,
    maxQueries: 2 * f.numQueries + 2,
    maxFriRounds: 28,
    maxPathLength: Math.min(maxLogH + 2, 30),
    maxSiblings: 2 * 2 ** f.maxLogArity,
    maxFinalPolyLen: 2 * 2 ** f.logFinalPolyLen + 2,
    maxBatches: 4,
    maxMatricesPerBatch: 2 * c.numQuotientChunks + 2,
  };
}

/** The largest canonical proof for this AIR and configuration, plus 10 % (docs/verifier-hardening.md §3.3). */
export function maxProofBytesFor(c: CompiledAir, config: StarkConfig): number {
  const f = config.fri;
  const k = config.maxLogTraceHeight;
  const L = k + f.logBlowup;
  const chunks = c.numQuotientChunks;
  const len = (n: number): number => varintLength(n);
  const cap = 1 + 40;
  let perQuery = len(3) + len(2);
  // trace batch: one row + path; quotient batch: chunks rows of 4 + path
  perQuery += len(1) + len(c.width) + 5 * c.width + len(L) + 40 * L;
  perQuery += len(chunks) + chunks * (len(4) + 20) + len(L) + 40 * L;
  const rounds = L - f.logBlowup - f.logFinalPolyLen;
  perQuery +=
    len(rounds) + rounds * (1 + len(2 ** f.maxLogArity) + 20 * (2 ** f.maxLogArity - 1) + len(L) + 40 * L);
  let total = 2 * cap + 1;
  total += 2 * (len(c.width) + 20 * c.width) + 1 + 2;
  total += len(chunks) + chunks * (1 + 80) + 1;
  total += len(rounds) + rounds * cap + len(rounds) + 5 * rounds;
  total += len(f.numQueries) + f.numQueries * perQuery;
  total += len(2 ** f.logFinalPolyLen) + 20 * 2 ** f.logFinalPolyLen + 5 + 10;
  return Math.ceil(total * 1.1) + envelopeHeaderLength(MAX_CIRCUIT_ID_LENGTH);
}

/**
 * Verifies a decoded proof (docs/protocol.md §10.5), throwing `ProofRejectedError` on failure.
 * @param c compiled AIR
 * @param proof decoded proof
 * @param publics canonical public values (already checked)
 * @param config the verifier's configuration
 * @param challenger a fresh challenger (a test hook for forced challenges; default the configuration's)
 */
export function verifyProofObject(
  c: CompiledAir,
  proof: Proof,
  publics: Uint32Array,
  config: StarkConfig,
  challenger: Challenger = challengerFor(config),
): void {
  const f = config.fri;
  const lqc = c.logQuotientChunks;
  const nChunks = c.numQuotientChunks;
  // 1, 3. degree bits
  const db = proof.degreeBits;
  if (db > 27 || db > config.maxLogTraceHeight || db + f.logBlowup > 27 || db + lqc > 27) {
    reject(
      'SHAPE_DEGREE_BITS_RANGE',
      `degree_bits ${db} outside 0..${config.maxLogTraceHeight}`,
      'degreeBits',
    );
  }
  const k = db;
  // 2. preprocessed: no built-in AIR has preprocessed columns
  const ov = proof.openedValues;
  if (ov.preprocessedLocal !== null || ov.preprocessedNext !== null) {
    reject(
      'SHAPE_PREPROCESSED',
      'preprocessed values for an AIR without preprocessed columns',
      'openedValues.preprocessedLocal',
    );
  }
  // 4.
  if (proof.commitments.random !== null)
    reject('SHAPE_RANDOMIZATION', 'random commitment in non-ZK mode', 'commitments.random');
  if (ov.random !== null)
    reject('SHAPE_RANDOMIZATION', 'random values in non-ZK mode', 'openedValues.random');
  // 6.
  const w = c.width;
  if (ov.traceLocal.length !== 4 * w)
    reject(
      'SHAPE_TRACE_LOCAL_WIDTH',
      `trace_local has ${ov.traceLocal.length / 4} values, width ${w}`,
      'openedValues.traceLocal',
    );
  if (c.readsNext) {
    if (ov.traceNext === null || ov.traceNext.length !== 4 * w)
      reject('SHAPE_TRACE_NEXT', 'trace_next missing or wrong width', 'openedValues.traceNext');
  } else if (ov.traceNext !== null) {
    reject(
      'SHAPE_TRACE_NEXT',
      'trace_next present for an AIR that does not read the next row',
      'openedValues.traceNext',
    );
  }
  if (ov.quotientChunks.length !== nChunks)
    reject(
      'SHAPE_QUOTIENT_CHUNK_COUNT',
      `${ov.quotientChunks.length} chunks, expected ${nChunks}`,
      'openedValues.quotientChunks',
    );
  ov.quotientChunks.forEach((ch, i) => {
    if (ch.length !== 16)
      reject(
        'SHAPE_QUOTIENT_CHUNK_DIMENSION',
        'chunk is not 4 EF values',
        `openedValues.quotientChunks[${i}]`,
      );
  });
  // 7. transcript
  const chl = challenger;
  chl.observe(db);
  chl.observe(k);
  chl.observe(0);
  chl.observeSlice(proof.commitments.trace);
  chl.observeSlice(publics);
  const alpha = chl.sampleExt();
  chl.observeSlice(proof.commitments.quotientChunks);
  const zeta = chl.sampleExt();
  // 8.
  const zT = vanishingAtPoint(zeta, 1, k);
  if (ext4IsZero(zT)) reject('OOD_POINT_IN_DOMAIN', 'zeta lies in the trace domain');
  // 9.
  const periodic = periodicValuesAtPoint(c.air.periodicColumns, k, zeta);
  // 10.
  const zetaNext = new Uint32Array(4);
  ext4MulBaseInto(zetaNext, 0, zeta, 0, twoAdicGenerator(k));
  // 11. PCS
  const logQ = k + lqc;
  const gQ = twoAdicGenerator(logQ);
  const chunkShifts: number[] = [];
  let s = GENERATOR;
  for (let i = 0; i < nChunks; i++) {
    chunkShifts.push(s);
    s = mul(s, gQ);
  }
  const tracePoints = [{ z: zeta, values: ov.traceLocal }];
  if (c.readsNext && ov.traceNext) tracePoints.push({ z: zetaNext, values: ov.traceNext });
  const rounds: PcsRound[] = [
    { commitment: proof.commitments.trace, matrices: [{ logDomainSize: k, points: tracePoints }] },
    {
      commitment: proof.commitments.quotientChunks,
      matrices: ov.quotientChunks.map((values) => ({ logDomainSize: k, points: [{ z: zeta, values }] })),
    },
  ];
  verifyPcs(f, mmcsFor(config), rounds, proof.openingProof, chl);
  // 12. recompose the quotient at zeta
  const qz = new Uint32Array(4);
  const t = new Uint32Array(4);
  const zs = chunkShifts.map((sh) => vanishingAtPoint(zeta, sh, k));
  for (let i = 0; i < nChunks; i++) {
    const zi = Uint32Array.of(1, 0, 0, 0);
    for (let j = 0; j < nChunks; j++) {
      if (j === i) continue;
      ext4MulInto(zi, 0, zi, 0, zs[j], 0);
      const den = vanishingAtBase(chunkShifts[i], chunkShifts[j], k);
      if (den === 0) reject('INTERNAL_INVARIANT', 'chunk domains not disjoint');
      ext4MulBaseInto(zi, 0, zi, 0, inverse(den));
    }
    // v_i = sum_e X^e * chunk[i][e]
    const vi = new Uint32Array(4);
    const ch = ov.quotientChunks[i];
    for (let e = 0; e < 4; e++) {
      const basis = new Uint32Array(4);
      basis[e] = 1;
      ext4MulInto(t, 0, basis, 0, ch, 4 * e);
      ext4AddInto(vi, 0, vi, 0, t, 0);
    }
    ext4MulInto(t, 0, zi, 0, vi, 0);
    ext4AddInto(qz, 0, qz, 0, t, 0);
  }
  // 13. folded constraints at zeta
  const sel = selectorsAtPoint(k, zeta);
  const folded = evalFoldedAtPoint(
    c,
    { local: ov.traceLocal, next: ov.traceNext ?? new Uint32Array(4 * w), publics, periodic, selectors: sel },
    alpha,
  );
  const invZ = new Uint32Array(4);
  ext4InverseInto(invZ, 0, zT, 0);
  ext4MulInto(t, 0, folded, 0, invZ, 0);
  ext4SubInto(t, 0, t, 0, qz, 0);
  if (!ext4Equals(t, new Uint32Array(4)))
    reject('OOD_CONSTRAINT_MISMATCH', 'constraints at zeta do not match the quotient');
}

// The typed-array intrinsics, taken once at load: they read internal slots only, so a Proxy, an
// object with a Uint8Array prototype, own `length`/`constructor` getters or a hostile
// Symbol.species never run during the copy.
const TYPED_ARRAY_PROTO = Object.getPrototypeOf(Uint8Array.prototype) as object;
const taGetter = (key: PropertyKey): ((this: unknown) => unknown) =>
  Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTO, key)?.get as (this: unknown) => unknown;
const TA_TAG = taGetter(Symbol.toStringTag);
const TA_LENGTH = taGetter('length');
const TA_SET = (TYPED_ARRAY_PROTO as { set: (this: unknown, src: unknown) => void }).set;

/**
 * The byte length of a real Uint8Array (or Buffer), read from its internal slots; `undefined` for
 * anything else (a Proxy, an object with a typed-array prototype, another typed array).
 */
function uint8Length(x: unknown): number | undefined {
  if (!ArrayBuffer.isView(x)) return undefined;
  if (TA_TAG.call(x) !== 'Uint8Array') return undefined;
  return TA_LENGTH.call(x) as number;
}

/**
 * Takes the owned copy of the proof bytes: type check, emptiness and the size bound before the
 * copy, so nothing of the caller's runs and nothing above the bound is allocated. Also used by
 * `verifyEnvelope` (src/stark/verify-envelope.ts), which reads the envelope header first.
 * @param proofBytes the caller's proof
 * @param bound the largest accepted length
 * @returns an owned copy
 * @throws {ProofRejectedError} DECODE_BAD_INPUT_TYPE, DECODE_EMPTY, LIMIT_PROOF_TOO_LARGE
 */
export function ownedProofBytes(proofBytes: unknown, bound: number): Uint8Array {
  let n: number | undefined;
  try {
    n = uint8Length(proofBytes);
  } catch {
    n = undefined;
  }
  if (n === undefined) reject('DECODE_BAD_INPUT_TYPE', 'proof must be a Uint8Array');
  if (n === 0) reject('DECODE_EMPTY', 'empty proof');
  if (n > bound) reject('LIMIT_PROOF_TOO_LARGE', `${n} bytes > bound ${bound}`);
  const bytes = new Uint8Array(n);
  try {
    TA_SET.call(bytes, proofBytes); // typed-array source: a slot-to-slot copy
  } catch {
    reject('DECODE_BAD_INPUT_TYPE', 'proof bytes cannot be copied');
  }
  return bytes;
}

/** Public values as read once: the length, and the elements when the length is the expected one. */
interface PublicsSnapshot {
  readonly length: number;
  readonly values: readonly unknown[] | undefined;
}

/**
 * Reads the caller's public values exactly once (the length, then each element), inside the guard:
 * a throwing getter or Proxy trap is DECODE_BAD_INPUT_TYPE, and a getter that changes its answer
 * between reads is never asked twice. Elements are read only when the length is the expected one.
 */
function snapshotPublics(publicValues: unknown, expected: number): PublicsSnapshot {
  if (publicValues === null || typeof publicValues !== 'object')
    reject('DECODE_BAD_INPUT_TYPE', 'public values must be an array of field elements', 'publicValues');
  let length: unknown;
  try {
    length = (publicValues as ArrayLike<unknown>).length;
  } catch {
    return reject('DECODE_BAD_INPUT_TYPE', 'public values: length cannot be read', 'publicValues');
  }
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0)
    reject('DECODE_BAD_INPUT_TYPE', 'public values: length is not a count', 'publicValues');
  if (length !== expected) return { length, values: undefined };
  const values: unknown[] = new Array(length);
  for (let i = 0; i < length; i++) {
    try {
      values[i] = (publicValues as ArrayLike<unknown>)[i];
    } catch {
      reject('DECODE_BAD_INPUT_TYPE', `public value ${i} cannot be read`, `publicValues[${i}]`);
    }
  }
  return { length, values };
}

/** Checks the snapshot against the AIR: count, then each value canonical. */
function checkPublics(c: CompiledAir, pv: PublicsSnapshot): Uint32Array {
  if (pv.values === undefined || pv.length !== c.numPublicValues)
    reject('SHAPE_PUBLIC_VALUES_LENGTH', `${pv.length} public values, expected ${c.numPublicValues}`);
  const out = new Uint32Array(pv.length);
  for (let i = 0; i < pv.length; i++) {
    const v = pv.values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= P) {
      reject(
        'DECODE_NONCANONICAL_FIELD',
        `public value ${i} is not a canonical field element`,
        `publicValues[${i}]`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** Every code `verify` can return (the fuzz oracle checks results against it). */
export const KNOWN_REJECTION_CODES: ReadonlySet<string> = new Set(Object.values(RejectionCode));

/**
 * Verifies a proof.
 *
 * Caller misuse that is not proof data — an invalid option (NaN, negative, non-integer), an
 * invalid configuration, a test-only preset or parameters below the preset's security floor
 * without `{ allowInsecure: true }` — throws VerifierConfigError before any proof byte is read
 * (docs/verifier-hardening.md §1). Everything derived from `proofBytes` and `publicValues` is a result, never a
 * throw: a Proxy, an object with hostile getters or species, a throwing length getter are
 * DECODE_BAD_INPUT_TYPE; the bytes are copied once and the public values read once.
 * @param air the AIR being verified
 * @param proofBytes the proof (envelope by default, or the bare postcard body): a Uint8Array
 * @param publicValues canonical public values
 * @param config the verifier's own configuration
 * @param opts format, loaded circuits, limits, test mode
 * @returns `{ ok: true }` or `{ ok: false, code, detail }`; never throws for bad proofs
 * @throws {VerifierConfigError} for invalid options or configuration, or an insecure one without opt-in
 * @example
 * const r = verify(air, bytes, [0, 1, 21], getConfig('plonky3-fixture'), { format: 'postcard', allowInsecure: true });
 */
export function verify(
  air: Air,
  proofBytes: unknown,
  publicValues: ArrayLike<number>,
  config: StarkConfig,
  opts?: VerifyOptions,
): VerifyResult {
  // Configuration phase: caller misuse throws VerifierConfigError, before any proof byte is read.
  const o = checkVerifyOptions(opts);
  const cfg = snapshotConfig(config);
  const c = o.compiled ?? compiledFor(air);
  checkSecurityPolicy(cfg, c, o.allowInsecure);
  const bound = Math.min(maxProofBytesFor(c, cfg), o.maxProofBytes ?? MAX_PROOF_BYTES, MAX_PROOF_BYTES);
  // Proof phase: every outcome is a result.
  try {
    const bytes = ownedProofBytes(proofBytes, bound); // callers cannot race the checks
    const pv = snapshotPublics(publicValues, c.numPublicValues);
    let body: Uint8Array = bytes;
    if (o.format === 'envelope') {
      const h = parseEnvelope(bytes);
      checkEnvelope(h, circuitIdOf(air), cfg, o.knownCircuits);
      body = h.body;
    }
    const proof = decodeProof(body, decodeLimitsFor(c, cfg));
    if (o.expectedDegreeBits !== undefined && proof.degreeBits !== o.expectedDegreeBits) {
      reject(
        'VK_DEGREE_MISMATCH',
        `degree_bits ${proof.degreeBits}, verifying key ${o.expectedDegreeBits}`,
        'degreeBits',
      );
    }
    const publics = checkPublics(c, pv);
    if (proof.degreeBits <= cfg.maxLogTraceHeight) {
      const sec = securityReport(cfg, c, proof.degreeBits, o.minSecurityBits, o.allowInsecure);
      if (!sec.meetsFloor) {
        reject(
          'POLICY_SECURITY_BELOW_FLOOR',
          `${sec.composite.toFixed(1)} bits at 2^${proof.degreeBits} < floor ${sec.floor}`,
          'degreeBits',
        );
      }
    }
    verifyProofObject(c, proof, publics, cfg);
    return { ok: true };
  } catch (e) {
    if (e instanceof ProofRejectedError) {
      return { ok: false, code: e.code, detail: e.check, ...(e.path ? { path: e.path } : {}) };
    }
    let detail: string;
    try {
      detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    } catch {
      detail = 'unprintable exception';
    }
    return { ok: false, code: 'INTERNAL_INVARIANT', detail };
  }
}
