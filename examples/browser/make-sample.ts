/**
 * Writes examples/browser/sample-fib.proof: Plonky3 v0.6.2's golden Fibonacci proof
 * (test/vectors/uni_stark_fib_fixture_v0.6.2.json, `postcard_hex`; publics [0, 1, 21], preset
 * 'plonky3-fixture') wrapped in our envelope for circuit `circuitIdOf(fibonacciAir())`.
 *
 * test/browser/sample.test.ts checks that the file verifies and equals this construction.
 * Run: node scripts/run-ts.mjs examples/browser/make-sample.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fibonacciAir } from '../../src/circuits/fibonacci.ts';
import { getConfig } from '../../src/stark/config.ts';
import { wrapEnvelope } from '../../src/stark/envelope.ts';

const fixture = JSON.parse(readFileSync('test/vectors/uni_stark_fib_fixture_v0.6.2.json', 'utf8')) as {
  postcard_hex: string;
};
const body = Uint8Array.from(Buffer.from(fixture.postcard_hex, 'hex'));
const config = getConfig('plonky3-fixture');
const air = fibonacciAir();
// circuitIdOf(air) in src/stark/verify.ts: the AIR name with '@1' unless it carries a version.
const circuitId = air.name.includes('@') ? air.name : `${air.name}@1`;
const env = wrapEnvelope(body, circuitId, config);
writeFileSync('examples/browser/sample-fib.proof', env);
console.log(`examples/browser/sample-fib.proof: ${env.length} bytes (envelope of the ${body.length}-byte golden body)`);
