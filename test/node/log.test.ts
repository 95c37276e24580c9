/**
 * The CLI/service logger writes pino JSON lines carrying target="plonky3" (the runbook filters
 * on it); the pretty format keeps the message and fields; the library default logger is silent.
 */
import { describe, expect, it } from 'vitest';
import { createNodeLogger } from '../../src/node/log.ts';
import { noopLogger } from '../../src/runtime/logger.ts';

describe('logging', () => {
  it('json lines with target "plonky3", level and fields', () => {
    const lines: string[] = [];
    const log = createNodeLogger({ level: 'info', destination: { write: (l: string) => lines.push(l) } });
    log.info({ family: 'state', ms: 12 }, 'proof generated');
    log.debug({}, 'hidden at info');
    log.error({ code: 'PROVER_FAILED' }, 'prover failed');
    expect(lines).toHaveLength(2);
    const a = JSON.parse(lines[0]);
    expect(a).toMatchObject({
      level: 30,
      target: 'plonky3',
      family: 'state',
      ms: 12,
      msg: 'proof generated',
    });
    expect(JSON.parse(lines[1])).toMatchObject({ level: 50, target: 'plonky3', code: 'PROVER_FAILED' });
  });
  it('pretty format', () => {
    const lines: string[] = [];
    const log = createNodeLogger({ format: 'pretty', destination: { write: (l: string) => lines.push(l) } });
    log.warn({ dir: '/x' }, 'removed stale temp files');
    expect(lines[0]).toMatch(/ WARN \[plonky3\] removed stale temp files \{"dir":"\/x"\}\n$/);
  });
  it('the library default logger drops everything', () => {
    expect(() => {
      noopLogger.info({}, 'x');
      noopLogger.warn({}, 'x');
      noopLogger.error({}, 'x');
    }).not.toThrow();
  });
});
