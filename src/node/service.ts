/**
 * The prover/verifier HTTP service behind `p3ts serve` (node:http, loopback only):
 *   POST /prove   {family, input}                    -> {family, circuitId, proof (base64 envelope), publicValues, bytes, proveMs}
 *                                                       (queue mode: 202 {jobId, state, duplicate})
 *   POST /verify  {family, proof (base64), publicValues} -> {ok: true} | {ok: false, code, detail}
 *   GET  /jobs/:id                                    -> queue mode: {id, state, ...; result when completed}
 *   GET  /metrics                                     -> Prometheus text
 *   GET  /status/node                                 -> {backend_health: {plonky3}, service}
 * Errors are JSON `{code, message, retryable}`: 400 BAD_JSON / BAD_REQUEST / UNKNOWN_FAMILY /
 * VK_UNKNOWN_CIRCUIT, 401 UNAUTHORIZED, 404 NOT_FOUND / JOB_NOT_FOUND, 405 METHOD_NOT_ALLOWED,
 * 413 BODY_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE, 422 BAD_INPUT (with `field`), 500
 * PROVER_FAILED, 503 BUSY / SHUTTING_DOWN / QUEUE_UNAVAILABLE (retryable, with Retry-After).
 *
 * The engine proves off the event loop (src/node/pool-engine.ts, the worker pool), so /metrics
 * and /status/node answer while proofs run and the queue bound is real. POST bodies must be
 * `Content-Type: application/json` (a cross-origin page cannot send that without a CORS
 * preflight, which this service never grants); with `authToken` set, POST /prove, POST /verify
 * and GET /jobs need `Authorization: Bearer <token>` (compared in constant time).
 *
 * No Plonky3 counterpart. Invariants: at most `maxQueue` accepted jobs (running + waiting),
 * never unbounded buffering; a body over `maxBodyBytes` is refused from its Content-Length
 * before reading, or as soon as the count passes the limit, and the connection is then closed
 * after the answer without a reset; `close()` refuses new work at once (503 SHUTTING_DOWN),
 * finishes and answers every accepted job, then closes the server.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FamilyInputError, type FamilyName, isFamilyName } from '../circuits/families.ts';
import { P } from '../field/babybear.ts';
import { type Logger, noopLogger } from '../runtime/logger.ts';
import { type ProofEngine, proofSegments } from './engine.ts';
import type { HealthTracker } from './health.ts';
import type { NodeMetrics } from './metrics.ts';
import type { ProofQueue } from './queue/proof-queue.ts';

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
  /** Bearer token required on POST /prove, POST /verify and GET /jobs (default: none). */
  readonly authToken?: string;
  /** Queue mode: /prove enqueues here and answers 202; GET /jobs/:id reports (default: prove here). */
  readonly queue?: ProofQueue;
}

type Resolved = Required<Omit<ServiceOptions, 'logger' | 'authToken' | 'queue'>> & {
  logger: Logger;
  authToken: string | undefined;
  queue: ProofQueue | undefined;
};

/** How long a refused oversized upload may keep its connection while the rest is discarded. */
const LINGER_MS = 2000;
/** At most this many bytes of a refused upload are read and discarded before the reset. */
const LINGER_BYTES = 256 * 1024 * 1024;

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
  private readonly o: Resolved;
  private accepted = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private draining = false;
  private closing: Promise<void> | undefined;
  private idle: (() => void) | undefined;

  private constructor(server: Server, o: Resolved) {
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
      authToken: opts.authToken,
      queue: opts.queue,
    };
    if (o.authToken !== undefined && o.authToken.length < 16)
      throw new Error('the service auth token must have at least 16 characters');
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
    this.o.metrics.queueDepth.set(this.accepted);
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
            mode: this.o.queue ? 'queue' : 'local',
          },
        });
        return;
      }
      if (url.startsWith('/jobs/') && this.o.queue) {
        if (req.method !== 'GET') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${url} accepts GET`);
        this.authorize(req);
        await this.jobStatus(res, decodeURIComponent(url.slice('/jobs/'.length)));
        return;
      }
      if (url !== '/prove' && url !== '/verify')
        throw new HttpError(
          404,
          'NOT_FOUND',
          `no route ${url} (routes: POST /prove, POST /verify, ${this.o.queue ? 'GET /jobs/:id, ' : ''}GET /metrics, GET /status/node)`,
        );
      if (req.method !== 'POST') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${url} accepts POST`);
      if (this.draining) throw new HttpError(503, 'SHUTTING_DOWN', 'the service is shutting down', true);
      this.authorize(req);
      const ctype = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (ctype !== 'application/json')
        throw new HttpError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `Content-Type must be application/json, got '${req.headers['content-type'] ?? ''}'`,
        );
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
        if (this.o.queue) await this.enqueue(res, this.o.queue, family, m.input);
        else await this.job(res, () => this.prove(res, family, m.input));
      } else {
        const { proof, publics } = this.verifyArgs(m);
        await this.job(res, () => this.verify(res, family, proof, publics));
      }
    } catch (e) {
      if (e instanceof HttpError) {
        if (e.code === 'BUSY') this.o.metrics.busy.inc();
        const headers: Record<string, string> = e.retryable ? { 'retry-after': '1' } : {};
        if (e.status === 401) headers['www-authenticate'] = 'Bearer';
        if (e.status === 413) {
          this.refuseUpload(req, res, e);
          return;
        }
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

  /** 401 unless the request carries the configured bearer token (constant-time comparison). */
  private authorize(req: IncomingMessage): void {
    const want = this.o.authToken;
    if (want === undefined) return;
    const h = req.headers.authorization ?? '';
    const got = h.startsWith('Bearer ') ? h.slice(7).trim() : '';
    const d = (t: string): Buffer => createHash('sha256').update(t, 'utf8').digest();
    if (got === '' || !timingSafeEqual(d(got), d(want)))
      throw new HttpError(401, 'UNAUTHORIZED', 'missing or wrong bearer token (Authorization: Bearer ...)');
  }

  /**
   * Answers 413 and closes the connection without a reset: Node closes a `connection: close`
   * socket right after the answer, and a close with unread upload bytes in the kernel buffer is
   * a TCP reset, which can destroy the answer before the client reads it. So the rest of the
   * upload is read and discarded (at most LINGER_BYTES, for at most LINGER_MS), then the socket
   * is closed.
   */
  private refuseUpload(req: IncomingMessage, res: ServerResponse, e: HttpError): void {
    const sock = req.socket;
    let discarded = 0;
    const finish = (): void => {
      clearTimeout(timer);
      sock.destroy();
    };
    const timer = setTimeout(finish, LINGER_MS);
    timer.unref();
    sock.on('data', (c: Buffer) => {
      discarded += c.length;
      if (discarded > LINGER_BYTES) finish();
    });
    sock.once('end', finish);
    sock.once('close', () => clearTimeout(timer));
    // keep the socket open for reading after the answer (Node would destroy it at once)
    (sock as unknown as { destroySoon: () => void }).destroySoon = () => sock.end();
    req.removeAllListeners('data');
    req.resume();
    sock.resume();
    this.json(res, 413, { code: e.code, message: e.message, retryable: false }, { connection: 'close' });
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

  /**
   * Reads the body, refusing (413) from the declared Content-Length before reading, and as soon
   * as the bytes read pass the limit (chunked or lying uploads).
   */
  private readBody(req: IncomingMessage): Promise<Buffer> {
    const max = this.o.maxBodyBytes;
    const tooLarge = (n: string): HttpError =>
      new HttpError(413, 'BODY_TOO_LARGE', `request body of ${n} bytes exceeds max_body_bytes = ${max}`);
    const declared = req.headers['content-length'];
    if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > max))
      return Promise.reject(tooLarge(declared));
    return new Promise((resolve, reject) => {
      let size = 0;
      let done = false;
      const chunks: Buffer[] = [];
      const onData = (c: Buffer): void => {
        if (done) return;
        size += c.length;
        if (size > max) {
          done = true;
          req.off('data', onData);
          req.pause();
          reject(tooLarge(`more than ${max}`));
          return;
        }
        chunks.push(c);
      };
      req.on('data', onData);
      req.on('end', () => {
        if (done) return;
        done = true;
        resolve(Buffer.concat(chunks));
      });
      req.on('error', (e) => {
        if (done) return;
        done = true;
        reject(e);
      });
    });
  }

  /** Queue mode: enqueues (or finds) the job and answers 202 with its id. */
  private async enqueue(
    res: ServerResponse,
    queue: ProofQueue,
    family: FamilyName,
    input: unknown,
  ): Promise<void> {
    let counts: Awaited<ReturnType<ProofQueue['counts']>>;
    try {
      counts = await queue.counts();
    } catch (e) {
      throw new HttpError(
        503,
        'QUEUE_UNAVAILABLE',
        `the proof queue is unreachable: ${e instanceof Error ? e.message : String(e)}`,
        true,
      );
    }
    const depth = counts.waiting + counts.delayed;
    if (depth >= this.o.maxQueue)
      throw new HttpError(
        503,
        'BUSY',
        `queue full (${depth} waiting jobs, max_queue = ${this.o.maxQueue})`,
        true,
      );
    const r = await queue.submit(family, input);
    this.o.logger.info({ family, jobId: r.id, duplicate: r.duplicate, state: r.state }, 'proof job enqueued');
    this.json(res, 202, { jobId: r.id, state: r.state, duplicate: r.duplicate, status: `/jobs/${r.id}` });
  }

  /** Queue mode: GET /jobs/:id. */
  private async jobStatus(res: ServerResponse, id: string): Promise<void> {
    const st = await (this.o.queue as ProofQueue).status(id);
    if (!st)
      throw new HttpError(404, 'JOB_NOT_FOUND', `no job '${id}' (unknown, or removed after retention)`);
    this.json(res, 200, st);
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
