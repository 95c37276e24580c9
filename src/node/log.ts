/**
 * The pino logger of the CLI and the service: JSON lines on stderr with `target: "plonky3"`
 * (runbook "Prover failures": filter logs by target="plonky3"), or a compact human format.
 * The library never creates one; it receives it as a `Logger` (src/runtime/logger.ts).
 *
 * No Plonky3 counterpart (upstream logs through `tracing` with the "plonky3" target).
 */
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import { LOG_TARGET } from '../runtime/logger.ts';

/** Options of `createNodeLogger`. */
export interface NodeLoggerOptions {
  /** pino level: trace, debug, info, warn, error, fatal, silent (default info). */
  readonly level?: string;
  /** 'json' (default) or 'pretty'. */
  readonly format?: 'json' | 'pretty';
  /** Where lines go (default stderr). */
  readonly destination?: { write(line: string): unknown };
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * Creates the structured logger.
 * @param opts level, format, destination
 * @returns a pino logger (satisfies the library's `Logger` of src/runtime/logger.ts)
 * @example
 * const log = createNodeLogger({ level: cfg.logging.level, format: cfg.logging.format });
 * log.info({ family: 'state' }, 'proof generated'); // {"level":30,...,"target":"plonky3",...}
 */
export function createNodeLogger(opts: NodeLoggerOptions = {}): PinoLogger {
  const out = opts.destination ?? process.stderr;
  const dest: DestinationStream =
    opts.format === 'pretty'
      ? {
          write(line: string): void {
            try {
              const {
                level,
                time,
                msg,
                target: _t,
                pid: _p,
                hostname: _h,
                ...rest
              } = JSON.parse(line) as Record<string, unknown>;
              const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
              out.write(
                `${new Date(Number(time)).toISOString()} ${LEVEL_NAMES[Number(level)] ?? level} [plonky3] ${String(msg ?? '')}${extra}\n`,
              );
            } catch {
              out.write(line);
            }
          },
        }
      : { write: (line: string): void => void out.write(line) };
  return pino({ level: opts.level ?? 'info', base: { target: LOG_TARGET, pid: process.pid } }, dest);
}
