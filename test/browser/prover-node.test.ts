/**
 * src/browser/prove.ts outside a browser (no navigator.gpu, not cross-origin isolated): the
 * statement builder matches the circuits' own builders, auto mode explains why it proves on the
 * calling thread and gives the bytes of `prove` with CpuBackend, progress events come in order,
 * and bad requests get typed errors. The real-browser runs are in test/browser/prover.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  BrowserProver,
  BrowserProverError,
  buildStatement,
  NOT_ISOLATED_MESSAGE,
  type ProverProgress,
} from '../../src/browser/prove.ts';
import { FAMILIES } from '../../src/circuits/families.ts';
import { fibonacciAir, fibonacciPublicValues, generateFibonacciTrace } from '../../src/circuits/fibonacci.ts';
import { createPoseidon2Air, generatePoseidon2Trace } from '../../src/circuits/poseidon2-air.ts';
import { getConfig } from '../../src/stark/config.ts';
import { wrapEnvelope } from '../../src/stark/envelope.ts';
import { prove } from '../../src/stark/prove.ts';

const config = getConfig('insecure-test');

describe('BrowserProver without a browser', () => {
  it('buildStatement: Fibonacci from (0, 1), Poseidon2 with SmallRng(1) inputs, families from the sample input', () => {
    const fib = buildStatement({ circuit: 'fibonacci', logRows: 5 }, config);
    expect(fib.trace.values).toEqual(generateFibonacciTrace(0, 1, 32).values);
    expect(fib.publicValues).toEqual(fibonacciPublicValues(0, 1, 32));
    const p2 = buildStatement({ circuit: 'poseidon2', logRows: 2 }, getConfig('plonky3-fixture'));
    const air = createPoseidon2Air({ constants: 'smallrng-seed-1', permsPerRow: 8 });
    expect(p2.air.width).toBe(air.width);
    expect(p2.trace.values).toEqual(generatePoseidon2Trace(air, { seed: 1 }, 4).values);
    const tx = buildStatement({ circuit: 'transaction' }, config);
    const ref = FAMILIES.transaction.build(FAMILIES.transaction.sampleInput('test'), { size: 'test' });
    expect(tx.trace.values).toEqual(ref.trace.values);
    expect(tx.publicValues).toEqual(ref.publicValues);
    expect(tx.logRows).toBe(FAMILIES.transaction.logRows.test);
  });

  it('bad requests are typed errors', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof BrowserProverError ? e.code : `other: ${e}`;
      }
      return undefined;
    };
    expect(code(() => buildStatement({ circuit: 'nope' }, config))).toBe('UNKNOWN_CIRCUIT');
    expect(code(() => buildStatement({ circuit: 'fibonacci', logRows: 0 }, config))).toBe('BAD_REQUEST');
    expect(code(() => buildStatement({ circuit: 'fibonacci', logRows: 17 }, config))).toBe('BAD_REQUEST');
    expect(code(() => buildStatement({ circuit: 'state', size: 'huge' as never }, config))).toBe(
      'BAD_REQUEST',
    );
  });

  it('auto mode says why, proves on the calling thread, and gives the CpuBackend bytes', async () => {
    const steps: ProverProgress[] = [];
    const notices: string[] = [];
    const prover = new BrowserProver({ onProgress: (p) => steps.push(p) });
    prover.addEventListener('notice', (e) => notices.push((e as CustomEvent<string>).detail));
    const r = await prover.prove({ circuit: 'fibonacci', logRows: 6, preset: 'insecure-test' });
    prover.close();
    const body = await prove(
      fibonacciAir(),
      generateFibonacciTrace(0, 1, 64),
      fibonacciPublicValues(0, 1, 64),
      config,
    );
    expect(Buffer.from(r.proof).equals(Buffer.from(wrapEnvelope(body, 'fibonacci@1', config)))).toBe(true);
    expect(r.backend).toBe('main');
    expect(r.circuitId).toBe('fibonacci@1');
    expect(r.notices).toEqual([`${NOT_ISOLATED_MESSAGE}; proving on the calling thread`]);
    expect(notices).toEqual(r.notices);
    expect(steps.map((s) => s.stage)).toEqual(['witness', 'backend', 'prove', 'done']);
    await expect(prover.prove({ circuit: 'fibonacci' })).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('mode workers outside a cross-origin-isolated page is NOT_CROSS_ORIGIN_ISOLATED; webgpu without an adapter is NO_WEBGPU_ADAPTER', async () => {
    const req = { circuit: 'fibonacci', logRows: 3, preset: 'insecure-test' };
    await expect(new BrowserProver({ mode: 'workers' }).prove(req)).rejects.toMatchObject({
      code: 'NOT_CROSS_ORIGIN_ISOLATED',
      message: NOT_ISOLATED_MESSAGE,
    });
    await expect(new BrowserProver({ mode: 'webgpu' }).prove(req)).rejects.toMatchObject({
      code: 'NO_WEBGPU_ADAPTER',
    });
  });
});
