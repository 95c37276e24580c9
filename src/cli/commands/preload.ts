/**
 * `p3ts preload [--config PATH] [--json]`
 * Seeds the parameter cache under `proof_cache_dir` for every configured circuit family
 * (parameter file + canary proof per family, then the sealed SHA-256 manifest; all writes atomic),
 * after removing stale temp files left by an interrupted write (listed in the output).
 * The runbook's `rpp-chain -- validator proofs preload --backend plonky3`.
 * Exit codes: 0 seeded, 1 failure (config or storage), 2 usage error.
 */
import { preloadCache } from '../../node/cache.ts';
import { ConfigError, loadNodeConfig } from '../../node/config.ts';
import { createNodeLogger } from '../../node/log.ts';
import { NODE_CONFIG_OPTION, parseCommandArgs } from '../common.ts';

const HELP = `usage: p3ts preload [--config PATH] [--json]
Seeds proof_cache_dir with the parameter files, canary proofs and sealed manifest of every
circuit family in the config (default config/node.toml), after removing stale temp files
(*.tmp-<pid>-<n>). Stop the service first; run preflight after.`;

/**
 * Runs the command.
 * @param argv arguments after `preload`
 * @returns the exit code
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs('preload', HELP, argv, { ...NODE_CONFIG_OPTION, json: { type: 'boolean' } });
  if (typeof args === 'number') return args;
  const { values } = args;
  const path = values.config ?? 'config/node.toml';
  try {
    const cfg = loadNodeConfig(path);
    const logger = createNodeLogger({ level: cfg.logging.level, format: cfg.logging.format });
    const r = await preloadCache(cfg, { logger });
    if (values.json) console.log(JSON.stringify(r, null, 2));
    else {
      console.log(
        `seeded ${cfg.families.length} families (${cfg.securityPreset}, ${cfg.size}) in ${r.dir} in ${Math.round(r.durationMs)} ms; rotation ${r.rotatedAt}`,
      );
      for (const [name, sha] of Object.entries(r.files)) console.log(`  ${sha}  ${name}`);
      for (const name of r.removedTemps) console.log(`  removed stale temp file ${name}`);
      for (const k of r.keptTemps) console.log(`  stale temp file ${k.name} NOT removed: ${k.reason}`);
      console.log(`next: p3ts preflight --config ${path}`);
    }
    return 0;
  } catch (e) {
    console.error(
      `p3ts preload: ${e instanceof ConfigError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    );
    return 1;
  }
}
