/**
 * The verifier edge (issue 12, defects 5–7): caller objects that are not byte arrays, public values
 * with hostile getters, numeric options (NaN, negatives, non-integers), and the security-floor
 * policy with its `allowInsecure` opt-in (library and `p3ts verify --insecure`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { run as verifyCommand } from '../../src/cli/commands/verify.ts';
import { getConfig, PRESETS, type StarkConfig } from '../../src/stark/config.ts';
import { wrapEnvelope } from '../../src/stark/envelope.ts';
import { VerifierConfigError, type VerifyResult } from '../../src/stark/errors.ts';
import { prove } from '../../src/stark/prove.ts';
import { circuitIdOf, MAX_PROOF_BYTES, type VerifyOptions, verify } from '../../src/stark/verify.ts';
import { FIB_FIXTURE_ARGS } from '../cli/fib-args.ts';

const FIXTURE = JSON.parse(
  readFileSync(new URL('../vectors/uni_stark_fib_fixture_v0.6.2.json', import.meta.url), 'utf8'),
);
const GOLDEN = Uint8Array.from(Buffer.from(FIXTURE.postcard_hex, 'hex'));
const PUBLICS = [0, 1, 21];
const fixture = getConfig('plonky3-fixture');
const air = fibonacciAir();
const TEST: VerifyOptions = { format: 'postcard', allowInsecure: true };

const code = (r: VerifyResult): string => (r.ok ? 'OK' : r.code);
const raw = (bytes: unknown, publics: unknown = PUBLICS, opts: VerifyOptions = TEST): VerifyResult =>
  verify(air, bytes, publics as ArrayLike<number>, fixture, opts);

describe('proof bytes that are not a plain Uint8Array (defect 5)', () => {
  it('the golden proof is accepted (and as a Buffer)', () => {
    expect(raw(GOLDEN)).toEqual({ ok: true });
    expect(raw(Buffer.from(GOLDEN))).toEqual({ ok: true });
  });
  it('a Proxy of a Uint8Array, an object with the Uint8Array prototype: DECODE_BAD_INPUT_TYPE', () => {
    expect(code(raw(new Proxy(GOLDEN, {})))).toBe('DECODE_BAD_INPUT_TYPE');
    expect(code(raw(new Proxy(GOLDEN.slice(), { get: () => 1 })))).toBe('DECODE_BAD_INPUT_TYPE');
    expect(code(raw(Object.create(Uint8Array.prototype)))).toBe('DECODE_BAD_INPUT_TYPE');
    const throwing = new Proxy(GOLDEN, {
      get() {
        throw new Error('trap');
      },
      getPrototypeOf() {
        throw new Error('trap');
      },
    });
    expect(code(raw(throwing))).toBe('DECODE_BAD_INPUT_TYPE');
    const { proxy, revoke } = Proxy.revocable(GOLDEN.slice(), {});
    revoke();
    expect(code(raw(proxy))).toBe('DECODE_BAD_INPUT_TYPE');
    const pv = Proxy.revocable([0, 1, 21], {});
    pv.revoke();
    expect(code(raw(GOLDEN, pv.proxy))).toBe('DECODE_BAD_INPUT_TYPE');
    const kc = Proxy.revocable(['fibonacci@1'], {});
    kc.revoke();
    expect(() => raw(GOLDEN, PUBLICS, { ...TEST, knownCircuits: kc.proxy })).toThrow(VerifierConfigError);
  });
  it('other values: DECODE_BAD_INPUT_TYPE', () => {
    for (const v of [
      null,
      undefined,
      'bytes',
      42,
      [1, 2, 3],
      new Uint16Array(GOLDEN.length),
      new Uint8ClampedArray(GOLDEN),
      new DataView(GOLDEN.buffer),
      GOLDEN.buffer,
      { length: GOLDEN.length, 0: 1 },
    ])
      expect(code(raw(v)), String(v)).toBe('DECODE_BAD_INPUT_TYPE');
  });
  it('hostile own `length`, `constructor` and Symbol.species on a real Uint8Array are never consulted', () => {
    const calls: string[] = [];
    const b = GOLDEN.slice();
    Object.defineProperty(b, 'length', {
      get() {
        calls.push('length');
        return 3;
      },
    });
    Object.defineProperty(b, 'constructor', {
      get() {
        calls.push('constructor');
        return {
          [Symbol.species]: function Evil() {
            calls.push('species');
            return GOLDEN; // a shared array the caller could keep changing
          },
        };
      },
    });
    Object.defineProperty(b, 'subarray', {
      value: () => {
        calls.push('subarray');
        return new Uint8Array(0);
      },
    });
    expect(raw(b)).toEqual({ ok: true });
    expect(calls).toEqual([]);
  });
  it('the owned copy is taken before decoding: the caller mutating its buffer afterwards changes nothing', () => {
    const b = GOLDEN.slice();
    const r = raw(b);
    b[10] ^= 1;
    expect(r).toEqual({ ok: true });
  });
});

describe('public values read once, inside the guard (defect 5)', () => {
  it('a throwing length getter and a throwing element getter: DECODE_BAD_INPUT_TYPE, not INTERNAL_INVARIANT', () => {
    const badLength = {
      get length(): number {
        throw new Error('no');
      },
    };
    expect(raw(GOLDEN, badLength)).toMatchObject({
      ok: false,
      code: 'DECODE_BAD_INPUT_TYPE',
      path: 'publicValues',
    });
    const badElement = [0, 1, 21];
    Object.defineProperty(badElement, 1, {
      get() {
        throw new Error('no');
      },
    });
    expect(raw(GOLDEN, badElement)).toMatchObject({ ok: false, code: 'DECODE_BAD_INPUT_TYPE' });
    const trap = new Proxy([0, 1, 21], {
      get() {
        throw new Error('trap');
      },
    });
    expect(code(raw(GOLDEN, trap))).toBe('DECODE_BAD_INPUT_TYPE');
  });
  it('a getter that throws an error named VerifierConfigError is still a rejection, never a throw', () => {
    const sneaky = {
      get length(): number {
        throw new VerifierConfigError('not really');
      },
    };
    expect(code(raw(GOLDEN, sneaky))).toBe('DECODE_BAD_INPUT_TYPE');
  });
  it('each public value and the length are read exactly once; a value that changes between reads cannot pass', () => {
    const reads = new Map<PropertyKey, number>();
    // Wrong on the first read of element 2, right afterwards: a verifier that checked one read and
    // used another would accept.
    const target = [0, 1, 21];
    const flip = new Proxy(target, {
      get(t, k, r) {
        reads.set(k, (reads.get(k) ?? 0) + 1);
        if (k === '2') return reads.get(k) === 1 ? 22 : 21;
        return Reflect.get(t, k, r);
      },
    });
    expect(code(raw(GOLDEN, flip))).not.toBe('OK');
    expect(reads.get('length')).toBe(1);
    for (const k of ['0', '1', '2']) expect(reads.get(k)).toBe(1);
    // and the honest values through the same Proxy shape are accepted
    expect(raw(GOLDEN, new Proxy([0, 1, 21], {}))).toEqual({ ok: true });
  });
  it('typed arrays of public values work; wrong counts and non-canonical values keep their codes', () => {
    expect(raw(GOLDEN, Uint32Array.of(0, 1, 21))).toEqual({ ok: true });
    expect(code(raw(GOLDEN, [0, 1]))).toBe('SHAPE_PUBLIC_VALUES_LENGTH');
    expect(code(raw(GOLDEN, { length: 2 ** 40 }))).toBe('SHAPE_PUBLIC_VALUES_LENGTH');
    expect(code(raw(GOLDEN, { length: -1 }))).toBe('DECODE_BAD_INPUT_TYPE');
    expect(code(raw(GOLDEN, { length: Number.NaN }))).toBe('DECODE_BAD_INPUT_TYPE');
    expect(code(raw(GOLDEN, [0, 1, 0x78000001]))).toBe('DECODE_NONCANONICAL_FIELD');
    expect(code(raw(GOLDEN, [0, 1, '21']))).toBe('DECODE_NONCANONICAL_FIELD');
    expect(code(raw(GOLDEN, null))).toBe('DECODE_BAD_INPUT_TYPE');
  });
});

describe('numeric options are validated (defect 6)', () => {
  it('maxProofBytes NaN, negative, zero, fractional, infinite or a string: VerifierConfigError naming it', () => {
    for (const v of [Number.NaN, -1, 0, 1.5, Number.POSITIVE_INFINITY, '1000'])
      expect(() => raw(GOLDEN, PUBLICS, { ...TEST, maxProofBytes: v as number }), String(v)).toThrow(
        /maxProofBytes must be an integer/,
      );
  });
  it('minSecurityBits and expectedDegreeBits likewise; format and allowInsecure by type', () => {
    for (const v of [Number.NaN, -1, 2.5, 257])
      expect(() => raw(GOLDEN, PUBLICS, { ...TEST, minSecurityBits: v })).toThrow(VerifierConfigError);
    for (const v of [Number.NaN, -1, 2.5, 28])
      expect(() => raw(GOLDEN, PUBLICS, { ...TEST, expectedDegreeBits: v })).toThrow(/expectedDegreeBits/);
    expect(() => raw(GOLDEN, PUBLICS, { ...TEST, format: 'json' as 'postcard' })).toThrow(/format/);
    expect(() =>
      raw(GOLDEN, PUBLICS, { format: 'postcard', allowInsecure: 'yes' as unknown as boolean }),
    ).toThrow(/allowInsecure must be a boolean/);
    expect(() =>
      raw(GOLDEN, PUBLICS, { ...TEST, knownCircuits: 'fibonacci@1' as unknown as string[] }),
    ).toThrow(/knownCircuits/);
  });
  it('an options object whose getter throws is a VerifierConfigError, not INTERNAL_INVARIANT', () => {
    const hostile = Object.defineProperty({ format: 'postcard' }, 'maxProofBytes', {
      get() {
        throw new Error('boom');
      },
    });
    expect(() => raw(GOLDEN, PUBLICS, hostile as VerifyOptions)).toThrow(/maxProofBytes cannot be read/);
  });
  it('NaN no longer switches off the size limits: a 40 MiB input is LIMIT_PROOF_TOO_LARGE, before decoding', () => {
    const big = new Uint8Array(40 * 1024 * 1024);
    big.set(GOLDEN);
    expect(code(raw(big))).toBe('LIMIT_PROOF_TOO_LARGE');
    expect(code(raw(big, PUBLICS, { ...TEST, maxProofBytes: 2 ** 40 }))).toBe('LIMIT_PROOF_TOO_LARGE');
    expect(code(raw(GOLDEN, PUBLICS, { ...TEST, maxProofBytes: GOLDEN.length - 1 }))).toBe(
      'LIMIT_PROOF_TOO_LARGE',
    );
    expect(raw(GOLDEN, PUBLICS, { ...TEST, maxProofBytes: GOLDEN.length })).toEqual({ ok: true });
    expect(MAX_PROOF_BYTES).toBe(16 * 1024 * 1024);
  });
});

describe('parameters below the security floor need allowInsecure (defect 7)', () => {
  let c100Proof: Uint8Array;
  const n = 2 ** 3;
  const pub = [...fibonacciPublicValues(0, 1, n)];
  beforeAll(async () => {
    c100Proof = await prove(air, generateFibonacciTrace(0, 1, n), pub, getConfig('c100'));
  }, 60_000);

  it('the test presets are refused without the opt-in and verify with it', () => {
    expect(() => verify(air, GOLDEN, PUBLICS, fixture, { format: 'postcard' })).toThrow(
      /'plonky3-fixture' is a test-only \(insecure\) preset; pass \{ allowInsecure: true \}/,
    );
    expect(() => verify(air, GOLDEN, PUBLICS, PRESETS['insecure-test'], { format: 'postcard' })).toThrow(
      VerifierConfigError,
    );
    expect(verify(air, GOLDEN, PUBLICS, fixture, TEST)).toEqual({ ok: true });
  });
  it('a production preset verifies without it; lowered overrides are refused naming bits and floor', () => {
    expect(verify(air, c100Proof, pub, getConfig('c100'), { format: 'postcard' })).toEqual({ ok: true });
    expect(() =>
      verify(air, c100Proof, pub, getConfig('c100', { numQueries: 1 }), { format: 'postcard' }),
    ).toThrow(/gives at most 17\.0 bits .* below the 100-bit floor of 'c100'/);
    expect(() =>
      verify(air, c100Proof, pub, getConfig('c100', { numQueries: 83 }), { format: 'postcard' }),
    ).toThrow(VerifierConfigError);
    // with the opt-in the weakened verifier runs, and the proof (made with 100 queries) is rejected
    const weak = verify(air, c100Proof, pub, getConfig('c100', { numQueries: 1 }), {
      format: 'postcard',
      allowInsecure: true,
    });
    expect(code(weak)).toBe('LIMIT_PROOF_TOO_LARGE'); // its size bound is derived from 1 query
    // an override that keeps the floor is fine (c100 with 110 queries)
    expect(() =>
      verify(air, c100Proof, pub, getConfig('c100', { numQueries: 110 }), { format: 'postcard' }),
    ).not.toThrow();
  });
  it('a hand-built configuration is judged by its parameters, not its name', () => {
    const c100 = getConfig('c100');
    const fake: StarkConfig = { ...c100, fri: { ...c100.fri, numQueries: 1 } };
    expect(() => verify(air, c100Proof, pub, fake, { format: 'postcard' })).toThrow(
      /below the 100-bit floor/,
    );
    const unnamed: StarkConfig = { ...c100, name: 'my-preset' };
    expect(() => verify(air, c100Proof, pub, unnamed, { format: 'postcard' })).toThrow(
      /derives from no production preset/,
    );
    const relabelled: StarkConfig = { ...PRESETS['insecure-test'], insecure: false, name: 'c100' };
    expect(() => verify(air, GOLDEN, PUBLICS, relabelled, { format: 'postcard' })).toThrow(
      /gives at most 5\.0 bits/,
    );
  });
  it('a configuration whose getter throws is a VerifierConfigError', () => {
    const hostile = Object.defineProperty({ ...getConfig('c100') }, 'maxLogTraceHeight', {
      get() {
        throw new Error('boom');
      },
    });
    expect(() => verify(air, c100Proof, pub, hostile, { format: 'postcard' })).toThrow(VerifierConfigError);
  });
});

describe('p3ts verify --insecure', () => {
  const dir = mkdtempSync(join(tmpdir(), 'p3verify-'));
  const n = 2 ** 3;
  const pub = [...fibonacciPublicValues(0, 1, n)];
  const files: Record<string, string> = {};
  let out: string[] = [];
  beforeAll(async () => {
    const c100 = getConfig('c100');
    const body = await prove(air, generateFibonacciTrace(0, 1, n), pub, c100);
    files.c100 = join(dir, 'c100.proof');
    writeFileSync(files.c100, wrapEnvelope(body, circuitIdOf(air), c100));
    files.fixture = join(dir, 'fixture.proof');
    writeFileSync(files.fixture, wrapEnvelope(GOLDEN, circuitIdOf(air), fixture));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    out = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  });
  afterEach(() => vi.restoreAllMocks());
  const fib = ['--air', 'fibonacci', '--log-rows', '3', '--public', pub.join(',')];

  it('the production preset verifies without the flag', async () => {
    expect(await verifyCommand([...fib, files.c100])).toBe(0);
    expect(out.join('\n')).toMatch(/^accepted/);
  });
  it('--num-queries 1 is refused (exit 2) naming the floor and the flag; with --insecure it runs', async () => {
    expect(await verifyCommand([...fib, '--num-queries', '1', files.c100])).toBe(2);
    expect(out.join('\n')).toMatch(/below the 100-bit floor of 'c100'.*--insecure/);
    out = [];
    expect(await verifyCommand([...fib, '--num-queries', '1', '--insecure', files.c100])).toBe(1);
    expect(out.join('\n')).toMatch(/^rejected: /); // the 100-query proof is too large for a 1-query verifier
  });
  it('a test preset needs --insecure', async () => {
    const args = [...FIB_FIXTURE_ARGS];
    expect(await verifyCommand([...args, files.fixture])).toBe(2);
    expect(out.join('\n')).toMatch(/test-only/);
    out = [];
    expect(await verifyCommand([...args, '--insecure', files.fixture])).toBe(0);
  });
});
