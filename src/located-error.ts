/**
 * An error about one place in one input: a family's witness input, a configuration file. The
 * message reads `<where>: <field>: <what>` (or `<where>: <what>` for the whole input), so logs and
 * CLI output name the offending field the same way everywhere.
 *
 * No Plonky3 counterpart.
 */
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
