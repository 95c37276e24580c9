/**
 * Warm start of a proof worker: before it takes its first job, the prover proves one sample
 * statement of each family it serves at test size, on every pool worker at once, and verifies
 * one of them on the calling thread. A fresh process otherwise pays for module loading, worker
 * thread start-up, AIR compilation, table building and JIT compilation inside its first real
 * jobs: at test size the first proof of a family takes about three times as long as the next
 * (docs/runbook.md, "Scaling out").
 *
 * No Plonky3 counterpart. Invariants: the warm-up proves honest sample statements only; its
 * proofs are discarded and never reach the queue; a failure here is a startup failure (the
 * worker would fail its jobs the same way).
 */
import { FAMILIES, type FamilyName } from '../../circuits/families.ts';
import { getConfig } from '../../stark/config.ts';
import { type ProveRunner, verifyOutcome } from './proof-worker.ts';

/** Options of `warmUpProver`. */
export interface WarmUpOptions {
  /** The families the worker serves. */
  readonly families: readonly FamilyName[];
  /** Sample proofs run at once per family: the pool size (default 1). */
  readonly concurrency?: number;
  /** The preset of the sample proofs (default c100, the production preset). */
  readonly preset?: string;
}

/** What the warm-up did. */
export interface WarmUpReport {
  /** Sample proofs made. */
  readonly proofs: number;
  /** Wall time, ms. */
  readonly ms: number;
}

/**
 * Proves and verifies one test-size sample of each family on every pool worker.
 * @param prove the worker's runner (poolRunner or an in-process backend)
 * @param opts families, concurrency, preset
 * @returns proofs made and the time taken
 * @throws {Error} when a sample does not prove or its proof does not verify
 * @example
 * const report = await warmUpProver(poolRunner(pool), { families: FAMILY_NAMES, concurrency: 2 });
 */
export async function warmUpProver(prove: ProveRunner, opts: WarmUpOptions): Promise<WarmUpReport> {
  const t0 = performance.now();
  const config = getConfig(opts.preset ?? 'c100');
  const copies = Math.max(1, opts.concurrency ?? 1);
  let proofs = 0;
  for (const family of opts.families) {
    const statement = {
      kind: 'family',
      family,
      input: FAMILIES[family].sampleInput('test'),
      size: 'test',
    } as const;
    const outs = await Promise.all(Array.from({ length: copies }, () => prove({ statement, config })));
    proofs += outs.length;
    const out = outs[0];
    if (!out.ok) throw new Error(`warm-up: the ${family} sample does not prove: ${out.code}: ${out.message}`);
    const v = verifyOutcome(statement, config, out).result;
    if (!v.ok) throw new Error(`warm-up: the ${family} sample proof does not verify: ${v.code}: ${v.detail}`);
  }
  return { proofs, ms: performance.now() - t0 };
}
