/**
 * Replays every saved fuzz input under test/fuzz/regressions/ (findings of `npm run fuzz` and the
 * hand-picked examples of `npm run fuzz -- --examples`) against the verifier contract: rejected,
 * never thrown, a known code, never INTERNAL_INVARIANT; an example keeps the code it had when
 * saved. Also checks the fuzz target's own parts: the tokenizer and the oracle (which must flag an
 * accepted input that differs from the valid proof).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyPlan,
  buildSeeds,
  checkInput,
  type FuzzSeed,
  fromRegression,
  fuzzLoop,
  type RegressionFile,
  seedSpecs,
  tokenize,
} from './verify-fuzz.ts';

const DIR = join(process.cwd(), 'test/fuzz/regressions');
const files = readdirSync(DIR)
  .filter((n) => n.endsWith('.json'))
  .sort();

describe('fuzz regressions', () => {
  it('the corpus is not empty (seeded with examples of each mutation family)', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
  for (const name of files) {
    it(name, () => {
      const f = JSON.parse(readFileSync(join(DIR, name), 'utf8')) as RegressionFile;
      const spec = seedSpecs().get(f.seed);
      expect(spec, `unknown seed '${f.seed}'`).toBeDefined();
      if (!spec) return;
      const out = checkInput(fromRegression(f), spec);
      expect(out.kind, `${out.code}: ${out.detail}`).toBe('rejected');
      if (f.expectCode !== undefined) expect(out.code).toBe(f.expectCode);
    });
  }
});

describe('the fuzz target', () => {
  let seeds: FuzzSeed[];
  let donors: Uint8Array[];
  beforeAll(async () => {
    ({ seeds, donors } = await buildSeeds());
  }, 60_000);

  it('tokenizes every seed body exactly into varints (each token ends with a byte below 0x80)', () => {
    for (const s of seeds) {
      const t = tokenize(s.body);
      expect(t[0]).toBe(0);
      expect(t[t.length - 1]).toBe(s.body.length);
      for (let i = 1; i < t.length; i++) {
        expect(t[i]).toBeGreaterThan(t[i - 1]);
        expect(s.body[t[i] - 1] & 0x80).toBe(0);
      }
    }
  });
  it('the oracle accepts the valid proofs as identical and flags an accept of anything else', () => {
    for (const s of seeds) {
      for (const format of ['postcard', 'envelope'] as const) {
        const bytes = format === 'envelope' ? s.envelope : s.body;
        const same = { seed: s.id, format, bytes: bytes.slice(), publicValues: [...s.publicValues] };
        expect(checkInput(same, s).kind).toBe('identical');
        // a plan that changes nothing (a run swapped with itself is skipped) is identical too
        const noop = applyPlan(
          { seed: seeds.indexOf(s), envelope: format === 'envelope', ops: [['swapRuns', 5, 5, 0]] },
          seeds,
          donors,
        );
        expect(checkInput(noop, s).kind).toBe('identical');
      }
    }
    // the same valid bytes judged against a seed whose original differs: an "accept" finding
    const [a, b] = seeds;
    const input = {
      seed: a.id,
      format: 'postcard' as const,
      bytes: a.body,
      publicValues: [...a.publicValues],
    };
    expect(checkInput(input, { ...a, body: b.body }).kind).toBe('accepted');
  });
  it('a short run: no accepts, throws or internal invariants, and deep codes are reached', () => {
    const { counts, findings } = fuzzLoop({
      seeds,
      donors,
      fcSeed: 12345,
      inputs: 600,
      deadline: Number.POSITIVE_INFINITY,
      slowMs: Number.POSITIVE_INFINITY,
    });
    expect(findings.map((f) => `${f.kind} ${f.outcome.code} ${f.outcome.detail}`)).toEqual([]);
    expect(counts.inputs - counts.identical).toBe(600);
    expect(counts.codes.MERKLE_ROOT_MISMATCH ?? 0).toBeGreaterThan(0);
    expect(Object.keys(counts.codes).length).toBeGreaterThan(8);
  });
});
