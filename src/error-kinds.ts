/**
 * The two error shapes the library's typed errors share. No Plonky3 counterpart.
 *
 * `CodedError`: a machine-readable code (one of a closed set of strings) and a message.
 * `LocatedError`: an error about one place in one input: a family's witness input, a configuration file. The
 * message reads `<where>: <field>: <what>` (or `<where>: <what>` for the whole input), so logs and
 * CLI output name the offending field the same way everywhere.
 */

/** An error with a machine-readable code (`C`, a closed set of strings) and a message. */
export class CodedError<C extends string> extends Error {
  /** The code. */
  readonly code: C;
  /**
   * @param code the code
   * @param message the explanation
   */
  constructor(code: C, message: string) {
    super(message);
    this.code = code;
  }
}

/** An error about one field of one input. */
export class LocatedError extends Error {
  /** The input at fault: a family name, a file path. */
  readonly where: string;
  /** The offending field (a JSON path or a dotted key), or '' for the whole input. */
  readonly field: string;
  /**
   * @param where the input at fault
   * @param field the offending field ('' when the whole input is at fault)
   * @param message what is wrong
   */
  constructor(where: string, field: string, message: string) {
    super(field ? `${where}: ${field}: ${message}` : `${where}: ${message}`);
    this.where = where;
    this.field = field;
  }
}
