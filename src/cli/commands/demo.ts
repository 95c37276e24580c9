/**
 * `p3ts demo [--size production|test] [--config c100] [--families a,b] [--gpu auto|on|off] [--workers N|auto]`
 * The main job on an embedded default: builds each circuit family from its sample input,
 * proves it, verifies the proof (envelope format) and rejects a tampered copy, printing
 * progress as it goes and a summary table at the end. Exit 0 when every family proved and
 * verified and every tampered copy was rejected. The backend is chosen once for the run
 * (src/cli/backend.ts, shared with `p3ts prove`) and named in one line.
 */
import type { CircuitFamily } from '../../circuits/family-kit.ts';
import type { StarkConfig } from '../../stark/config.ts';
import { wrapEnvelope } from '../../stark/envelope.ts';
import type { ProvePhases } from '../../stark/prove.ts';
import { prove } from '../../stark/prove.ts';
import { circuitIdOf, verify } from '../../stark/verify.ts';
import { BACKEND_HELP, BACKEND_OPTIONS, type BackendFlags, backendFlags, chooseBackend } from '../backend.ts';
import { configFromFlags, parseCommandArgs, UsageError } from '../common.ts';

const HELP = `usage: p3ts demo [--size production|test] [--config NAME] [--families transaction,state,...]
                 [--gpu auto|on|off] [--workers N|auto]
Proves and verifies every circuit family on its embedded sample input.
${BACKEND_HELP}`;

interface Row {
  family: string;
  logRows: number;
  backend: string;
  proveMs: number;
  verifyMs: number;
  bytes: number;
  verified: boolean;
  tamperRejected: string;
}

/** Runs the command. */
export async function run(argv: string[]): Promise<number> {
  let flags: BackendFlags | undefined;
  let config: StarkConfig | undefined;
  const args = parseCommandArgs(
    'demo',
    HELP,
    argv,
    {
      size: { type: 'string', default: 'production' },
      config: { type: 'string', default: 'c100' },
      families: { type: 'string' },
      ...BACKEND_OPTIONS,
    },
    {
      check: ({ values: v }) => {
        if (v.size !== 'production' && v.size !== 'test')
          throw new UsageError('--size expects production|test');
        flags = backendFlags(v);
        config = configFromFlags({ config: v.config });
      },
    },
  );
  if (typeof args === 'number' || flags === undefined || config === undefined)
    return typeof args === 'number' ? args : 2;
  const { values } = args;
  const { FAMILIES, FAMILY_NAMES, isFamilyName } = await import('../../circuits/families.ts');
  const wanted = typeof values.families === 'string' ? values.families.split(',') : [...FAMILY_NAMES];
  const unknown = wanted.filter((name) => !isFamilyName(name));
  if (unknown.length > 0) {
    console.error(`p3ts demo: unknown families ${unknown.join(', ')} (known: ${FAMILY_NAMES.join(', ')})`);
    return 2;
  }
  const families: readonly CircuitFamily[] = wanted.map((name) => FAMILIES[name as keyof typeof FAMILIES]);
  const size = values.size as 'production' | 'test';
  const log = (msg: string): void => console.log(msg);
  log(`p3ts demo: ${families.length} circuit families, ${size} size, preset ${config.name}`);
  const { backend, line } = await chooseBackend(flags, config);
  log(line);
  const rows: Row[] = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < families.length; i++) {
      const fam = families[i];
      const tag = `[${i + 1}/${families.length}] ${fam.name}`;
      log(`${tag}: building the witness (2^${fam.logRows[size]} rows)`);
      const st = fam.build(fam.sampleInput(size), { size });
      log(`${tag}: proving on ${backend.kind}...`);
      let phases: ProvePhases | undefined;
      const tp = performance.now();
      const body = await prove(st.air, st.trace, st.publicValues, config, {
        backend,
        onPhases: (p) => {
          phases = p;
        },
      });
      const proveMs = performance.now() - tp;
      const bytes = wrapEnvelope(body, circuitIdOf(st.air), config);
      const ph = phases
        ? ` (trace ${phases.traceCommit.toFixed(0)} ms, quotient ${(phases.quotient + phases.quotientCommit).toFixed(0)} ms, FRI ${phases.open.toFixed(0)} ms)`
        : '';
      log(`${tag}: proved in ${proveMs.toFixed(0)} ms${ph}, ${bytes.length} bytes`);
      const tv = performance.now();
      // The operator picked the preset by name (--config); the demo verifies only its own proofs.
      const r = verify(st.air, bytes, st.publicValues, config, { allowInsecure: config.insecure });
      const verifyMs = performance.now() - tv;
      log(`${tag}: verify ${r.ok ? 'accepted' : `REJECTED ${r.code}`} in ${verifyMs.toFixed(1)} ms`);
      const bad = bytes.slice();
      bad[bad.length - 100] ^= 0x04;
      const rt = verify(st.air, bad, st.publicValues, config, { allowInsecure: config.insecure });
      log(`${tag}: tampered copy ${rt.ok ? 'ACCEPTED (bug)' : `rejected with ${rt.code}`}`);
      rows.push({
        family: fam.name,
        logRows: fam.logRows[size],
        backend: backend.kind,
        proveMs,
        verifyMs,
        bytes: bytes.length,
        verified: r.ok,
        tamperRejected: rt.ok ? 'NO' : rt.code,
      });
    }
  } finally {
    backend.close();
  }
  const total = (performance.now() - t0) / 1000;
  log('');
  log('| family | rows | backend | prove ms | verify ms | proof bytes | verified | tampered copy |');
  log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    log(
      `| ${r.family} | 2^${r.logRows} | ${r.backend} | ${r.proveMs.toFixed(0)} | ${r.verifyMs.toFixed(1)} | ${r.bytes} | ${r.verified ? 'yes' : 'NO'} | ${r.tamperRejected} |`,
    );
  }
  const ok = rows.every((r) => r.verified && r.tamperRejected !== 'NO');
  log(`\n${ok ? 'all families proved and verified' : 'FAILURES above'} in ${total.toFixed(1)} s`);
  return ok ? 0 : 1;
}
