/**
 * Stress scenarios: a TOML file (smol-toml) naming the circuit families and sizes to prove, the
 * number of proofs, the prover concurrency, the tamper attempts and the acceptance thresholds.
 * Successor of the runbook's `simnet` scenarios (tools/simnet/scenarios/*.ron); no Plonky3
 * counterpart. Invariant: `parseScenario` validates every key and names the offending one, so a
 * typo in a scenario fails before any proving starts.
 */
import { availableParallelism } from 'node:os';
import { parse } from 'smol-toml';

/** Size of one family's statements: a family size profile or an explicit log2 row count. */
export interface FamilySpec {
  /** Family or built-in AIR name (`consensus`, `transaction`, ..., `fibonacci`, `poseidon2`). */
  readonly name: string;
  /** Family size profile (`production` or `test`); ignored when logRows is set. */
  readonly size: 'production' | 'test';
  /** log2 trace height for the built-in AIRs (fibonacci, poseidon2). */
  readonly logRows?: number;
  /** Relative share of the proofs (default 1). */
  readonly weight: number;
  /** Per-family prove p95 threshold in ms (overrides the global one). */
  readonly proveP95Ms?: number;
  /** Per-family verify p95 threshold in ms (overrides the global one). */
  readonly verifyP95Ms?: number;
}

/** Tamper-class letters of docs/verifier-hardening.md §4 that apply to real proofs, plus R (random flips). */
export const TAMPER_CLASSES: readonly string[] = Object.freeze([
  'A',
  'B',
  'C',
  'D',
  'E',
  'F',
  'G',
  'H',
  'I',
  'K',
  'R',
]);

/** The tamper section of a scenario. */
export interface TamperSpec {
  /** Classes to run (letters of TAMPER_CLASSES). */
  readonly classes: readonly string[];
  /** How many valid proofs per family serve as tamper bases (default 1). */
  readonly basesPerFamily: number;
  /** Random mutations (1 to 5 random byte changes) per base proof (class R). */
  readonly randomFlips: number;
  /** Also tamper a proof made with both PoW values 0, so deeper checks fire first (docs/verifier-hardening.md §4 "(T)"). */
  readonly noPowVariant: boolean;
}

/** Acceptance thresholds. */
export interface Thresholds {
  /** Prove p95 in ms (per family); undefined = not checked. */
  readonly proveP95Ms?: number;
  /** Verify p95 in ms (per family, valid proofs); undefined = not checked. */
  readonly verifyP95Ms?: number;
  /** Prover or honest-verification failures tolerated (default 0). */
  readonly maxFailures: number;
}

/** The queue section: `p3ts worker` processes against one Redis, one phase per worker count. */
export interface QueueSpec {
  /** Worker processes of each phase, run one after another in the same run (e.g. [1, 2]). */
  readonly workers: readonly number[];
  /** Pool workers (jobs at once) per worker process (default 1). */
  readonly concurrency: number;
  /** `spawn` (a private redis-server on 127.0.0.1, the default) or `redis://HOST:PORT/DB`. */
  readonly redis: string;
  /** Required throughput ratio of the last phase to the first (default: not checked). */
  readonly minSpeedup?: number;
}

/** A parsed scenario. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Configuration preset of prover and verifier (default c100). */
  readonly preset: string;
  /** Total number of valid proofs, spread over the families by weight. */
  readonly proofs: number;
  /** Number of concurrent provers (`"auto"` in the file: available cores - 1, at least 1, leaving a core to the verifier). */
  readonly concurrency: number;
  /**
   * `threads`: one worker_threads prover per slot; `main`: async jobs on the main thread;
   * `queue`: BullMQ jobs proved by `p3ts worker` processes (see `queue`).
   */
  readonly mode: 'threads' | 'main' | 'queue';
  /** The queue section (mode `queue` only). */
  readonly queue?: QueueSpec;
  /** Seed of the random mutations. */
  readonly seed: number;
  readonly families: readonly FamilySpec[];
  readonly tamper: TamperSpec;
  readonly thresholds: Thresholds;
}

/** A scenario file that does not parse or has a bad key. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

type Table = Record<string, unknown>;

function table(v: unknown, where: string): Table {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ScenarioError(`${where}: expected a table`);
  return v as Table;
}

function only(t: Table, where: string, keys: readonly string[]): void {
  for (const k of Object.keys(t))
    if (!keys.includes(k))
      throw new ScenarioError(`${where}: unknown key '${k}' (known: ${keys.join(', ')})`);
}

function int(v: unknown, where: string, lo: number, hi: number, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw new ScenarioError(`${where}: expected an integer in ${lo}..${hi}, got ${JSON.stringify(v)}`);
  return v;
}

function num(v: unknown, where: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new ScenarioError(`${where}: expected a positive number, got ${JSON.stringify(v)}`);
  return v;
}

function str(v: unknown, where: string, dflt?: string): string {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'string' || v === '') throw new ScenarioError(`${where}: expected a non-empty string`);
  return v;
}

function bool(v: unknown, where: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ScenarioError(`${where}: expected true or false`);
  return v;
}

function familySpec(v: unknown, i: number): FamilySpec {
  const where = `families[${i}]`;
  const t = table(v, where);
  only(t, where, ['name', 'size', 'log_rows', 'weight', 'prove_p95_ms', 'verify_p95_ms']);
  const size = str(t.size, `${where}.size`, 'production');
  if (size !== 'production' && size !== 'test')
    throw new ScenarioError(`${where}.size: expected 'production' or 'test', got '${size}'`);
  return {
    name: str(t.name, `${where}.name`),
    size,
    logRows: t.log_rows === undefined ? undefined : int(t.log_rows, `${where}.log_rows`, 1, 24),
    weight: int(t.weight, `${where}.weight`, 0, 1_000_000, 1),
    proveP95Ms: num(t.prove_p95_ms, `${where}.prove_p95_ms`),
    verifyP95Ms: num(t.verify_p95_ms, `${where}.verify_p95_ms`),
  };
}

/**
 * Parses and validates a scenario.
 * @param text the TOML text
 * @param source file name for messages
 * @returns the scenario with defaults filled in
 * @throws {ScenarioError} for a TOML syntax error or any bad key
 * @example
 * const s = parseScenario(readFileSync('scenarios/smoke.toml', 'utf8'), 'smoke.toml');
 */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (e) {
    throw new ScenarioError(`${source}: ${e instanceof Error ? e.message : String(e)}`);
  }
  only(doc, source, [
    'name',
    'description',
    'preset',
    'seed',
    'load',
    'families',
    'tamper',
    'thresholds',
    'queue',
  ]);
  const load = table(doc.load, 'load');
  only(load, 'load', ['proofs', 'concurrency', 'mode']);
  const mode = str(load.mode, 'load.mode', 'threads');
  if (mode !== 'threads' && mode !== 'main' && mode !== 'queue')
    throw new ScenarioError(`load.mode: expected 'threads', 'main' or 'queue', got '${mode}'`);
  let queue: QueueSpec | undefined;
  if (mode === 'queue') {
    const q = table(doc.queue, 'queue');
    only(q, 'queue', ['workers', 'concurrency', 'redis', 'min_speedup']);
    const w = q.workers ?? [1, 2];
    if (!Array.isArray(w) || w.length === 0)
      throw new ScenarioError('queue.workers: expected a non-empty array of worker counts');
    const redis = str(q.redis, 'queue.redis', 'spawn');
    if (redis !== 'spawn' && !/^rediss?:\/\//.test(redis))
      throw new ScenarioError(`queue.redis: expected "spawn" or redis://HOST:PORT/DB, got '${redis}'`);
    queue = {
      workers: w.map((n, i) => int(n, `queue.workers[${i}]`, 1, 64)),
      concurrency: int(q.concurrency, 'queue.concurrency', 1, 64, 1),
      redis,
      minSpeedup: num(q.min_speedup, 'queue.min_speedup'),
    };
  } else if (doc.queue !== undefined) throw new ScenarioError("queue: only with load.mode = 'queue'");
  if (!Array.isArray(doc.families) || doc.families.length === 0)
    throw new ScenarioError('families: expected a non-empty array of tables ([[families]])');
  const families = doc.families.map(familySpec);
  const seen = new Set<string>();
  for (const f of families) {
    const key = `${f.name}/${f.logRows ?? f.size}`;
    if (seen.has(key)) throw new ScenarioError(`families: '${key}' listed twice`);
    seen.add(key);
  }
  if (families.every((f) => f.weight === 0)) throw new ScenarioError('families: every weight is 0');
  const tamper = table(doc.tamper, 'tamper');
  only(tamper, 'tamper', ['classes', 'bases_per_family', 'random_flips', 'no_pow_variant']);
  let classes: string[] = [...TAMPER_CLASSES];
  if (tamper.classes !== undefined && tamper.classes !== 'all') {
    if (!Array.isArray(tamper.classes))
      throw new ScenarioError("tamper.classes: expected 'all' or an array of letters");
    classes = tamper.classes.map((c, i) => {
      if (typeof c !== 'string' || !TAMPER_CLASSES.includes(c))
        throw new ScenarioError(
          `tamper.classes[${i}]: unknown class ${JSON.stringify(c)} (known: ${TAMPER_CLASSES.join(', ')})`,
        );
      return c;
    });
  }
  const th = table(doc.thresholds, 'thresholds');
  only(th, 'thresholds', ['prove_p95_ms', 'verify_p95_ms', 'max_failures']);
  return {
    name: str(doc.name, 'name'),
    description: doc.description === undefined ? '' : str(doc.description, 'description'),
    preset: str(doc.preset, 'preset', 'c100'),
    proofs: int(load.proofs, 'load.proofs', 1, 1_000_000),
    concurrency:
      load.concurrency === 'auto'
        ? Math.max(1, availableParallelism() - 1)
        : int(load.concurrency, 'load.concurrency', 1, 256, 1),
    mode,
    ...(queue ? { queue } : {}),
    seed: int(doc.seed, 'seed', 0, 2 ** 31 - 1, 1),
    families,
    tamper: {
      classes,
      basesPerFamily: int(tamper.bases_per_family, 'tamper.bases_per_family', 0, 1000, 1),
      randomFlips: int(tamper.random_flips, 'tamper.random_flips', 0, 1_000_000, 16),
      noPowVariant: bool(tamper.no_pow_variant, 'tamper.no_pow_variant', true),
    },
    thresholds: {
      proveP95Ms: num(th.prove_p95_ms, 'thresholds.prove_p95_ms'),
      verifyP95Ms: num(th.verify_p95_ms, 'thresholds.verify_p95_ms'),
      maxFailures: int(th.max_failures, 'thresholds.max_failures', 0, 1_000_000, 0),
    },
  };
}

/**
 * Splits `total` proofs over the families by weight (largest remainders; at least one proof per
 * family of non-zero weight when total allows).
 * @param families the families
 * @param total total number of proofs
 * @returns proofs per family, in family order
 */
export function allocateProofs(families: readonly FamilySpec[], total: number): number[] {
  const w = families.reduce((s, f) => s + f.weight, 0);
  const exact = families.map((f) => (total * f.weight) / w);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left === 0) break;
    out[i]++;
    left--;
  }
  // give each weighted family one proof, taken from the largest share
  for (let i = 0; i < families.length; i++) {
    if (families[i].weight > 0 && out[i] === 0) {
      const j = out.indexOf(Math.max(...out));
      if (out[j] > 1) {
        out[j]--;
        out[i]++;
      }
    }
  }
  return out;
}
