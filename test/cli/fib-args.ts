/** CLI arguments of upstream's uni-stark Fibonacci fixture statement (2^3 rows, publics 0, 1, 21). */

/** `--air fibonacci --log-rows 3 --public 0,1,21`. */
export const FIB_ARGS: readonly string[] = ['--air', 'fibonacci', '--log-rows', '3', '--public', '0,1,21'];

/** The fixture statement under upstream's fixture preset (`--config plonky3-fixture`). */
export const FIB_FIXTURE_ARGS: readonly string[] = [...FIB_ARGS, '--config', 'plonky3-fixture'];
