/**
 * Test-only Backend: delegates every operation to an inner backend and fails at its N-th
 * operation (counting from 0, in call order), or at the first call of a named operation. `mode: 'once'` throws a plain Error at op N only
 * (a kernel failure); `mode: 'lost'` throws BackendLostError at op N and at every later one (a
 * device lost mid-proof). `ops` records the names of the operations called, for test titles.
 */
import type { Felt } from '../../src/field/babybear.ts';
import type { Matrix } from '../../src/field/matrix.ts';
import type { BatchOpening } from '../../src/merkle/mmcs.ts';
import {
  type Backend,
  type BackendHandle,
  BackendKind,
  BackendLostError,
  type CommittedHandle,
  type ExtVectorHandle,
  type PowTemplate,
  type QuotientSpec,
  type ReduceRound,
  type TransferLedger,
} from '../../src/runtime/backend.ts';

/** How the fake primary fails. */
export type FailMode = 'once' | 'lost';

/** A backend that fails at operation `failAt`. */
export class FailingBackend implements Backend {
  readonly kind: BackendKind = BackendKind.webgpu;
  readonly ops: string[] = [];
  readonly inner: Backend;
  readonly failAt: number | string;
  #failed = false;
  readonly mode: FailMode;
  released = 0;

  constructor(inner: Backend, failAt: number | string, mode: FailMode = 'once') {
    this.inner = inner;
    this.failAt = failAt;
    this.mode = mode;
  }

  private gate(op: string): void {
    const i = this.ops.push(op) - 1;
    if (!this.#failed && (i === this.failAt || op === this.failAt)) {
      this.#failed = true;
      throw this.mode === 'lost'
        ? new BackendLostError(`test: device lost at op ${i} (${op})`)
        : new Error(`test: kernel failure at op ${i} (${op})`);
    }
    if (this.mode === 'lost' && this.#failed) throw new BackendLostError(`test: device gone (${op})`);
  }

  async ldeAndCommit(
    evals: readonly Matrix[],
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedHandle> {
    this.gate('ldeAndCommit');
    return this.inner.ldeAndCommit(evals, logBlowup, shifts);
  }
  async evalQuotient(
    trace: CommittedHandle,
    spec: QuotientSpec,
    alpha: Uint32Array,
  ): Promise<ExtVectorHandle> {
    this.gate('evalQuotient');
    return this.inner.evalQuotient(trace, spec, alpha);
  }
  async commitQuotient(
    q: ExtVectorHandle,
    numChunks: number,
    logBlowup: number,
    shifts: readonly Felt[],
  ): Promise<CommittedHandle> {
    this.gate('commitQuotient');
    return this.inner.commitQuotient(q, numChunks, logBlowup, shifts);
  }
  async evaluateAt(
    c: CommittedHandle,
    logBlowup: number,
    points: readonly (readonly Uint32Array[])[],
  ): Promise<Uint32Array[][]> {
    this.gate('evaluateAt');
    return this.inner.evaluateAt(c, logBlowup, points);
  }
  async reduceOpenings(rounds: readonly ReduceRound[], alpha: Uint32Array): Promise<ExtVectorHandle[]> {
    this.gate('reduceOpenings');
    return this.inner.reduceOpenings(rounds, alpha);
  }
  async commitFriRound(v: ExtVectorHandle, logArity: number): Promise<CommittedHandle> {
    this.gate('commitFriRound');
    return this.inner.commitFriRound(v, logArity);
  }
  async foldFri(
    v: ExtVectorHandle,
    beta: Uint32Array,
    logArity: number,
    rollIn: ExtVectorHandle | null,
  ): Promise<ExtVectorHandle> {
    this.gate('foldFri');
    return this.inner.foldFri(v, beta, logArity, rollIn);
  }
  async finalPoly(v: ExtVectorHandle, logFinalPolyLen: number): Promise<Uint32Array> {
    this.gate('finalPoly');
    return this.inner.finalPoly(v, logFinalPolyLen);
  }
  async grind(template: PowTemplate, bits: number): Promise<number> {
    this.gate('grind');
    return this.inner.grind(template, bits);
  }
  async openRows(c: CommittedHandle, indices: readonly number[]): Promise<BatchOpening[]> {
    this.gate('openRows');
    return this.inner.openRows(c, indices);
  }
  release(h: BackendHandle): void {
    this.released++;
    this.inner.release(h);
  }
  ledger(): TransferLedger {
    return { uploadedBytes: 1, readBytes: 2, readbacks: 3, submits: this.ops.length };
  }
  close(): void {
    this.inner.close();
  }
}
