/**
 * The prover/verifier HTTP service behind `p3ts serve` (node:http, loopback only):
 *   POST /prove   {family, input}                    -> {family, circuitId, proof (base64 envelope), publicValues, bytes, proveMs}
 *   POST /verify  {family, proof (base64), publicValues} -> {ok: true} | {ok: false, code, detail}
 *   GET  /metrics                                     -> Prometheus text
 *   GET  /status/node                                 -> {backend_health: {plonky3}, service}
 * Errors are JSON `{code, message, retryable}`: 400 BAD_JSON / BAD_REQUEST / UNKNOWN_FAMILY /
 * VK_UNKNOWN_CIRCUIT, 404 NOT_FOUND, 405 METHOD_NOT_ALLOWED, 413 BODY_TOO_LARGE, 422 BAD_INPUT
 * (with `field`), 500 PROVER_FAILED, 503 BUSY / SHUTTING_DOWN (retryable, with Retry-After).
 *
 * No Plonky3 counterpart (spec/verifier-hardening.md §2 service codes, §7 "Overload").
 * Invariants: at most `maxQueue` accepted jobs (running + waiting), never unbounded buffering;
 * `close()` stops accepting, finishes and answers every accepted job, then closes the server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FamilyInputError, type FamilyName, isFamilyName } from '../circuits/families.ts';
import { P } from '../field/babybear.ts';
import { type Logger, noopLogger } from '../runtime/logger.ts';
import { type ProofEngine, proofSegments } from './engine.ts';
import type { HealthTracker } from './health.ts';
import type { NodeMetrics } from './metrics.ts';

/** Options of `ProofService.start`. */
export interface ServiceOptions {
  readonly engine: ProofEngine;
  readonly metrics: NodeMetrics;
  readonly health: HealthTracker;
  readonly logger?: Logger;
  /** Loopback address (default 127.0.0.1). */
  readonly host?: string;
  /** Port (0 = any free port). */
  readonly port?: number;
  /** Accepted jobs, running or waiting (default 16). */
  readonly maxQueue?: number;
  /** Jobs run at once (default 1). */
  readonly concurrency?: number;
  /** Largest request body in bytes (default 8 MiB). */
  readonly maxBodyBytes?: number;
}

/** A JSON error answer. */
class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly extra: Record<string, unknown>;
  constructor(
    status: number,
    code: string,
    message: string,
    retryable = false,
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryable = retryable;
    this.extra = extra;
  }
}

const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The running service.
 * @example
 * const svc = await ProofService.start({ engine, metrics, health, port: 0 });
 * await fetch(`${svc.url}/status/node`); await svc.close();
 */
export class ProofService {
  /** The bound port. */
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  private readonly server: Server;
  private readonly o: Required<Omit<ServiceOptions, 'logger'>> & { logger: Logger };
  private accepted = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private draining = false;
  private closing: Promise<void> | undefined;
  private idle: (() => void) | undefined;

  private constructor(server: Server, o: Required<Omit<ServiceOptions, 'logger'>> & { logger: Logger }) {
    this.server = server;
    this.o = o;
    const a = server.address() as AddressInfo;
    this.port = a.port;
    this.url = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  /**
   * Starts listening.
   * @param opts engine, metrics, health, limits, address
   * @returns the service
   * @throws {Error} if the address is not loopback or the port cannot be bound
   */
  static async start(opts: ServiceOptions): Promise<ProofService> {
    const host = opts.host ?? '127.0.0.1';
    if (!['127.0.0.1', '::1', 'localhost'].includes(host))
      throw new Error(`refusing to listen on non-loopback address ${host}`);
    const o = {
      engine: opts.engine,
      metrics: opts.metrics,
      health: opts.health,
      logger: opts.logger ?? noopLogger,
      host,
      port: opts.port ?? 0,
      maxQueue: opts.maxQueue ?? 16,
      concurrency: opts.concurrency ?? 1,
      maxBodyBytes: opts.maxBodyBytes ?? 8 * 1024 * 1024,
    };
    let svc: ProofService | undefined;
    const server = createServer((req, res) => {
      if (svc) void svc.handle(req, res);
      else res.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    svc = new ProofService(server, o);
    o.logger.info({ url: svc.url, maxQueue: o.maxQueue, concurrency: o.concurrency }, 'service listening');
    return svc;
  }

  /** Accepted jobs, running or waiting. */
  get queueDepth(): number {
    return this.accepted;
  }

  /** Whether close() has begun. */
  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Graceful shutdown: refuse new work (503 SHUTTING_DOWN), finish and answer every accepted job,
   * then close the server. Idempotent: later calls return the same promise.
   * @returns resolves when the server is closed
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.draining = true;
    this.o.logger.info({ accepted: this.accepted }, 'shutting down: draining accepted jobs');
    this.closing = (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      if (this.accepted > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      this.server.closeIdleConnections();
      await closed;
      this.o.logger.info({}, 'service stopped');
    })();
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = (req.url ?? '/').split('?')[0];
    try {
      if (url === '/metrics' || url === '/status/node') {
        if (req.method !== 'GET') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${url} accepts GET`);
        if (url === '/metrics') {
          const text = await this.o.metrics.text();
          res.writeHead(200, { 'content-type': this.o.metrics.contentType });
          res.end(text);
          return;
        }
        this.json(res, 200, {
          ...this.o.health.snapshot(),
          service: {
            queueDepth: this.accepted,
            running: this.running,
            maxQueue: this.o.maxQueue,
            concurrency: this.o.concurrency,
            draining: this.draining,
          },
        });
        return;
      }
      if (url !== '/prove' && url !== '/verify')
        throw new HttpError(
          404,
          'NOT_FOUND',
          `no route ${url} (routes: POST /prove, POST /verify, GET /metrics, GET /status/node)`,
        );
      if (req.method !== 'POST') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${url} accepts POST`);
      const body = await this.readBody(req);
      if (this.draining) throw new HttpError(503, 'SHUTTING_DOWN', 'the service is shutting down', true);
      let msg: unknown;
      try {
        msg = JSON.parse(body.toString('utf8'));
      } catch (e) {
        throw new HttpError(
          400,
          'BAD_JSON',
          `request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg))
        throw new HttpError(400, 'BAD_REQUEST', 'request body must be a JSON object');
      const m = msg as Record<string, unknown>;
      const family = this.family(m.family);
      if (url === '/prove') {
        if (!('input' in m))
          throw new HttpError(400, 'BAD_REQUEST', 'missing field "input" (the family\'s JSON input)');
        await this.job(res, () => this.prove(res, family, m.input));
      } else {
        const { proof, publics } = this.verifyArgs(m);
        await this.job(res, () => this.verify(res, family, proof, publics));
      }
    } catch (e) {
      if (e instanceof HttpError) {
        if (e.code === 'BUSY') this.o.metrics.busy.inc();
        const headers: Record<string, string> = e.retryable ? { 'retry-after': '1' } : {};
        if (e.status === 413) headers.connection = 'close';
        this.json(
          res,
          e.status,
          { code: e.code, message: e.message, retryable: e.retryable, ...e.extra },
          headers,
        );
      } else {
        this.o.logger.error({ err: e instanceof Error ? e.message : String(e), url }, 'request failed');
        this.json(res, 500, {
          code: 'INTERNAL',
          message: e instanceof Error ? e.message : String(e),
          retryable: false,
        });
      }
    }
  }

  private family(v: unknown): FamilyName {
    if (typeof v !== 'string') throw new HttpError(400, 'BAD_REQUEST', 'missing string field "family"');
    if (!isFamilyName(v))
      throw new HttpError(
        400,
        'UNKNOWN_FAMILY',
        `unknown circuit family '${v}' (known: ${this.o.engine.families.join(', ')})`,
      );
    if (!this.o.engine.families.includes(v)) {
      throw new HttpError(
        400,
        'VK_UNKNOWN_CIRCUIT',
        `circuit family '${v}' is not loaded (loaded: ${this.o.engine.families.join(', ')})`,
      );
    }
    return v;
  }

  private verifyArgs(m: Record<string, unknown>): { proof: Uint8Array; publics: number[] } {
    if (typeof m.proof !== 'string' || m.proof.length % 4 !== 0 || !B64_RE.test(m.proof)) {
      throw new HttpError(400, 'BAD_REQUEST', 'field "proof" must be a base64 string');
    }
    if (!Array.isArray(m.publicValues) || m.publicValues.length > 4096)
      throw new HttpError(400, 'BAD_REQUEST', 'field "publicValues" must be an array of field elements');
    const publics: number[] = [];
    for (let i = 0; i < m.publicValues.length; i++) {
      const v = m.publicValues[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= P)
        throw new HttpError(400, 'BAD_REQUEST', `publicValues[${i}] is not a canonical field element`);
      publics.push(v);
    }
    return { proof: new Uint8Array(Buffer.from(m.proof, 'base64')), publics };
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    const max = this.o.maxBodyBytes;
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      let size = 0;
      let tooLarge = declared > max;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > max) tooLarge = true;
        if (!tooLarge) chunks.push(c);
        else if (size > 4 * max) req.destroy(); // stop reading a runaway body
      });
      req.on('end', () => {
        if (tooLarge)
          reject(
            new HttpError(
              413,
              'BODY_TOO_LARGE',
              `request body of ${Math.max(size, declared)} bytes exceeds max_body_bytes = ${max}`,
            ),
          );
        else resolve(Buffer.concat(chunks));
      });
      req.on('error', reject);
      req.on('close', () => {
        if (tooLarge)
          reject(new HttpError(413, 'BODY_TOO_LARGE', `request body exceeds max_body_bytes = ${max}`));
      });
    });
  }

  /** Admits a job to the bounded queue (or answers BUSY), runs it when a slot frees. */
  private async job(res: ServerResponse, work: () => Promise<void>): Promise<void> {
    if (this.accepted >= this.o.maxQueue) {
      throw new HttpError(
        503,
        'BUSY',
        `queue full (${this.accepted} accepted jobs, max_queue = ${this.o.maxQueue})`,
        true,
      );
    }
    this.accepted++;
    this.o.metrics.queueDepth.set(this.accepted);
    try {
      if (this.running >= this.o.concurrency)
        await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.running++;
      try {
        await work();
      } finally {
        this.running--;
        this.waiting.shift()?.();
      }
    } catch (e) {
      if (!res.headersSent) throw e;
    } finally {
      this.accepted--;
      this.o.metrics.queueDepth.set(this.accepted);
      if (this.accepted === 0 && this.idle) {
        // let the last answer flush before the server closes its connections
        const done = this.idle;
        this.idle = undefined;
        if (res.writableFinished) done();
        else res.once('finish', done);
      }
    }
  }

  private async prove(res: ServerResponse, family: FamilyName, input: unknown): Promise<void> {
    const t0 = performance.now();
    try {
      const out = await this.o.engine.prove(family, input);
      const secs = (performance.now() - t0) / 1000;
      this.o.metrics.observeProve(family, secs, out.proof.length);
      this.o.health.proveSucceeded();
      this.o.logger.info({ family, ms: Math.round(secs * 1000), bytes: out.proof.length }, 'proof generated');
      this.json(res, 200, {
        family,
        circuitId: out.circuitId,
        proof: Buffer.from(out.proof).toString('base64'),
        publicValues: [...out.publicValues],
        bytes: out.proof.length,
        proveMs: Math.round(secs * 1000),
      });
    } catch (e) {
      if (e instanceof FamilyInputError)
        throw new HttpError(422, 'BAD_INPUT', e.message, false, { field: e.field });
      this.o.metrics.proveFailed(family, 'PROVER_FAILED');
      this.o.health.proveFailed('PROVER_FAILED');
      this.o.logger.error({ family, err: e instanceof Error ? e.message : String(e) }, 'prover failed');
      throw new HttpError(
        500,
        'PROVER_FAILED',
        `proving ${family} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  private async verify(
    res: ServerResponse,
    family: FamilyName,
    proof: Uint8Array,
    publics: number[],
  ): Promise<void> {
    const t0 = performance.now();
    const r = this.o.engine.verify(family, proof, publics);
    const secs = (performance.now() - t0) / 1000;
    const code = r.ok ? 'OK' : r.code;
    this.o.metrics.observeVerify(family, secs, code, proofSegments(proof, publics.length));
    this.o.health.verified(r.ok);
    if (!r.ok) this.o.logger.info({ family, code: r.code, detail: r.detail }, 'proof rejected');
    this.json(
      res,
      200,
      r.ok
        ? { ok: true, verifyMs: Math.round(secs * 1000) }
        : { ok: false, code: r.code, detail: r.detail, ...(r.path ? { path: r.path } : {}) },
    );
  }

  private json(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }
}
