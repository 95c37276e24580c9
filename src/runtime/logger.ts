/**
 * The logger contract of the library: a pino-style object (`info(obj, msg)`) injected by the
 * caller. The library is silent by default (`noopLogger`); the CLI and the service pass a pino
 * logger whose records carry `target: "plonky3"`.
 *
 * No Plonky3 counterpart (upstream logs through `tracing` with target "plonky3").
 * Browser-safe: imports nothing. The GPU code takes its info/warn part (GpuLogger, ./gpu-context.ts).
 */

/** A pino-style structured logger. */
export interface Logger {
  /** Informational record. */
  info(obj: object, msg?: string): void;
  /** Something unexpected that the library handled. */
  warn(obj: object, msg?: string): void;
  /** A failure the caller must see. */
  error(obj: object, msg?: string): void;
}

/** A logger that drops every record (the library default). */
export const noopLogger: Logger = Object.freeze({
  info: (): void => {},
  warn: (): void => {},
  error: (): void => {},
});

/** The `target` field every record of this project carries (runbook: filter by target="plonky3"). */
export const LOG_TARGET = 'plonky3';
