/**
 * worker_threads entry of the stress prover pool (bundled with esbuild by prover-pool.ts): builds
 * the statement of a job with the default provider, proves it and posts back the body, the public
 * values and the timings. No Plonky3 counterpart. Invariant: one job at a time per worker, so the
 * measured prove time is not shared with another proof of the same worker.
 */
import { parentPort } from 'node:worker_threads';
import type { ProvePhases } from '../../stark/prove.ts';
import { prove } from '../../stark/prove.ts';
import type { WorkerReply, WorkerRequest } from './prover-pool.ts';
import { defaultProvider } from './provider.ts';

if (!parentPort) throw new Error('worker-entry must run as a worker_threads worker');
const port = parentPort;
const provider = defaultProvider();

port.on('message', (req: WorkerRequest) => {
  void (async (): Promise<void> => {
    try {
      const st = provider.statement(req.spec, req.index);
      let phases: ProvePhases | null = null;
      const t0 = performance.now();
      const body = await prove(st.air, st.trace, st.publicValues, req.config, {
        onPhases: (p) => {
          phases = p;
        },
      });
      const proveMs = performance.now() - t0;
      const reply: WorkerReply = {
        id: req.id,
        ok: true,
        body,
        publicValues: Array.from(st.publicValues),
        proveMs,
        phases,
      };
      port.postMessage(reply, [body.buffer as ArrayBuffer]);
    } catch (e) {
      const reply: WorkerReply = {
        id: req.id,
        ok: false,
        error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      };
      port.postMessage(reply);
    }
  })();
});
