/**
 * The device-resident WebGpuBackend on the real adapter (lavapipe in CI): whole proofs are
 * byte-identical to CpuBackend and ParallelCpuBackend and verify, with no CPU fallback possible
 * (the backend is used bare). Statements: Fibonacci 2^10 and 2^14 under c100 and plonky3-fixture,
 * the Poseidon2 AIR at 2^6 rows, a degree-5 AIR whose quotient needs its own trace LDE
 * (lqc 2 > logBlowup 1), and every circuit family at test size. Then the transfer ledger of
 * Fibonacci 2^14 c100 against the bounds of docs/gpu.md.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TransferLedger } from '../../src/runtime/backend.ts';
import { createCpuBackend } from '../../src/runtime/cpu.ts';
import { formatGpuLedger } from '../../src/runtime/gpu-context.ts';
import { ParallelCpuBackend } from '../../src/runtime/parallel.ts';
import { WebGpuBackend } from '../../src/runtime/webgpu.ts';
import { inThreadSpawner } from '../../src/runtime/workers/inline.ts';
import { WorkerPool } from '../../src/runtime/workers/pool.ts';
import { decodeProof } from '../../src/stark/codec.ts';
import type { StarkConfig } from '../../src/stark/config.ts';
import { permFor } from '../../src/stark/instance.ts';
import { prove } from '../../src/stark/prove.ts';
import { verify } from '../../src/stark/verify.ts';
import { fibStatement, proofStatements } from '../runtime/statements.ts';
import { openTestContext, reportSkip } from './gpu-env.ts';

const { ctx, reason } = await openTestContext({ timeoutMs: 120_000 });
reportSkip('resident WebGPU proofs', ctx !== undefined, reason);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const statements = proofStatements;

describe.skipIf(ctx === undefined)(`resident WebGPU proofs on ${ctx?.adapterInfo.description}`, () => {
  const pool = new WorkerPool({ spawn: inThreadSpawner(), size: 2 });
  const gpus = new Map<string, WebGpuBackend>();
  const gpuFor = (config: StarkConfig): WebGpuBackend => {
    let g = gpus.get(config.constants);
    if (g === undefined) {
      g = new WebGpuBackend(ctx as NonNullable<typeof ctx>, {
        constants: permFor(config).constants,
        ownsContext: false,
      });
      gpus.set(config.constants, g);
    }
    return g;
  };
  afterAll(() => {
    for (const g of gpus.values()) g.close();
    pool.close();
    ctx?.close();
  });

  for (const s of statements()) {
    it(`${s.name}: WebGPU bytes = CpuBackend bytes = ParallelCpuBackend bytes, and verify`, async () => {
      const want = await prove(s.air, s.trace, s.publics, s.config, { backend: createCpuBackend(s.config) });
      const gpu = gpuFor(s.config);
      const got = await prove(s.air, s.trace, s.publics, s.config, { backend: gpu });
      expect(hex(got)).toBe(hex(want));
      const par = new ParallelCpuBackend(pool, s.config, { minParallelRows: 1 });
      expect(hex(await prove(s.air, s.trace, s.publics, s.config, { backend: par }))).toBe(hex(got));
      par.close();
      expect(verify(s.air, got, s.publics, s.config, { format: 'postcard', allowInsecure: true })).toEqual({
        ok: true,
      });
    }, 600_000);
  }

  it('Fibonacci 2^14 c100: read <= 1.5 x proof, uploaded <= 2 x trace + 1 MB, read-backs <= 3 + FRI rounds + 3', async () => {
    const s = fibStatement(14, 'c100');
    const gpu = gpuFor(s.config);
    let ledger: TransferLedger | undefined;
    const bytes = await prove(s.air, s.trace, s.publics, s.config, {
      backend: gpu,
      onPhases: (p) => {
        ledger = p.ledger;
      },
    });
    const l = ledger as TransferLedger;
    const rounds = decodeProof(bytes).openingProof.commitPhaseCommits.length;
    const traceBytes = s.trace.values.byteLength;
    console.log(
      `${formatGpuLedger(l)} (proof ${bytes.length} B, trace ${traceBytes} B, ${rounds} FRI rounds)`,
    );
    expect(rounds).toBe(14);
    expect(l.readBytes).toBeGreaterThan(0);
    expect(l.readBytes).toBeLessThanOrEqual(1.5 * bytes.length);
    expect(l.uploadedBytes).toBeGreaterThanOrEqual(traceBytes);
    expect(l.uploadedBytes).toBeLessThanOrEqual(2 * traceBytes + 2 ** 20);
    expect(l.readbacks).toBeLessThanOrEqual(3 + rounds + 3);
    expect(l.submits).toBeGreaterThan(0);
  }, 600_000);
});
