/**
 * Generates src/hash/poseidon2-kernel16.ts: the width-16 Poseidon2 permutation written out on 16
 * locals per group of rounds, with lazily reduced S-box products. The single-state twin it
 * must agree with is `permute` in src/hash/poseidon2.ts (checked by test/hash/poseidon2.test.ts,
 * which also checks that the file on disk is what this script prints).
 *
 * The kernel is a build output, not tracked by git: `npm run gen` writes it, and npm runs that
 * before `build`, `test` and `typecheck` and on `npm ci`/`npm install` (the `prepare` script).
 * Edit this generator, never the output.
 *
 * Run: npm run gen (or node scripts/run-ts.mjs scripts/gen-poseidon2-kernel.ts)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const W = 16;

/** The quotient bias of the lazy product (see the kernel's header for the bound it needs). */
export const LAZY_BIAS = 0.125;

/**
 * The lazy product exactly as the kernel writes it, for tests: a*b mod P in [0, 2P) for a, b < 2^32.
 * @param a integer in [0, 2^32)
 * @param b integer in [0, 2^32)
 * @returns a value congruent to a*b mod P, in [0, 2P)
 */
export function lazyProduct(a: number, b: number): number {
  const p = 0x78000001;
  const invP = 1 / 0x78000001;
  const bias = LAZY_BIAS;
  const q = (a * b * invP - bias) | 0;
  return (Math.imul(a, b) - Math.imul(q, p)) >>> 0;
}

/** The two kernel lines of one lazy product dst = a * b (the text `lazyProduct` mirrors). */
export function lazyProductLines(ind: string, dst: string, a: string, b: string): string[] {
  return [
    `${ind}q = (${a} * ${b} * invP - bias) | 0;`,
    `${ind}${dst} = (Math.imul(${a}, ${b}) - Math.imul(q, p)) >>> 0;`,
  ];
}

/**
 * The kernel source text.
 * @returns the TypeScript module
 */
export function kernelSource(): string {
  const out: string[] = [];
  const e = (s: string): void => {
    out.push(s);
  };
  const lanes = (pfx: string): string[] => Array.from({ length: W }, (_, i) => `${pfx}${i}`);

  // lazy product: dst = a*b mod P, in [0, 2P)
  const mul = (ind: string, dst: string, a: string, b: string): void => {
    for (const line of lazyProductLines(ind, dst, a, b)) e(line);
  };
  // canonical reduction of an integer-valued double t with |t| < 2^40
  const reduce = (ind: string, dst: string, t: string): void => {
    e(`${ind}r = ${t} - Math.floor(${t} * invP) * p;`);
    e(`${ind}${dst} = r >= p ? r - p : r < 0 ? r + p : r;`);
  };
  // external layer: M4 on each 4-chunk, plus the column sums (M4 is linear, so the sums of its outputs are M4 of the sums)
  const external = (ind: string, from: string[], to: string[]): void => {
    for (let c = 0; c < 4; c++) {
      const [a, b, cc, d] = [0, 1, 2, 3].map((k) => from[4 * c + k]);
      e(`${ind}const m${c}a = 2 * ${a} + 3 * ${b} + ${cc} + ${d};`);
      e(`${ind}const m${c}b = ${a} + 2 * ${b} + 3 * ${cc} + ${d};`);
      e(`${ind}const m${c}c = ${a} + ${b} + 2 * ${cc} + 3 * ${d};`);
      e(`${ind}const m${c}d = 3 * ${a} + ${b} + ${cc} + 2 * ${d};`);
    }
    for (const k of ['a', 'b', 'c', 'd']) e(`${ind}const u${k} = m0${k} + m1${k} + m2${k} + m3${k};`);
    for (let c = 0; c < 4; c++) {
      for (const [j, k] of ['a', 'b', 'c', 'd'].entries()) {
        e(`${ind}t = m${c}${k} + u${k};`);
        reduce(ind, to[4 * c + j], 't');
      }
    }
  };
  const S = lanes('s');

  e('// generated, do not edit');
  e('// by scripts/gen-poseidon2-kernel.ts (`npm run gen`: a build output, not tracked by git)');
  e('/**');
  e(' * The width-16 Poseidon2 permutation with its rounds on 16 locals (Plonky3/Plonky3:poseidon2/');
  e(' * src/lib.rs, baby-bear/src/poseidon2.rs, v0.6.2): the batch twin of `permute` in ./poseidon2.ts.');
  e(' * Same rounds, same constants, same results on every input. Four functions rather than one:');
  e(' * V8 optimizes small functions sooner, at the same steady-state speed (bench/hash.bench.ts).');
  e(' *');
  e(' * Arithmetic (every value an integer held exactly in a double or an int32):');
  e(' * - lazy product of a, b < 2^32: e = a*b/P in doubles is within 2^-18 of the truth (a*b < 2^64),');
  e(' *   so q = trunc(e - 1/8) is floor(a*b/P) or one less and a*b - q*P lies in [0, 2P); it is');
  e(' *   computed mod 2^32 by imul (|0 and imul wrap mod 2^32) and read back by >>> 0 (2P < 2^32).');
  e(' *   S-box inputs s + rc (< 2P) and all S-box products stay in [0, 2P), so every product input');
  e(' *   is below 2^32.');
  e(' * - reduction of a linear-layer sum t < 2^38: r = t - floor(t/P)*P is off by at most one P,');
  e(' *   then one correction each way; linear-layer outputs are canonical.');
  e(' * - internal layer: sum of all 16 (one unreduced S-box output < 2P plus 15 canonical < 17P),');
  e(' *   plus V[i]*s[i] by shifts: x / 2^k = hi - lo * 15 * 2^(27-k) for x = hi * 2^k + lo, since');
  e(' *   2^-k = -15 * 2^(27-k) mod P; every t lies in (-4P, 21P).');
  e(' * Inputs may be any u32 (the first linear layer reduces them); outputs are canonical.');
  e(' * P (0x78000001, field/babybear.ts) is a literal in each function: V8 folds local constants, while');
  e(' * module bindings are reloaded and type-checked on every use in optimized code.');
  e(' */');
  e('');
  const prelude = (): void => {
    e('  // Local constants: module bindings are reloaded and type-checked on every use in optimized code.');
    e('  const p = 0x78000001;');
    e('  const invP = 1 / 0x78000001;');
    e(`  const bias = ${LAZY_BIAS};`);
    e('  let q = 0;');
    e('  let r = 0;');
    e('  let t = 0;');
  };
  const load = (): void => {
    for (let i = 0; i < W; i++) e(`  let s${i} = s[o + ${i}];`);
  };
  const store = (): void => {
    for (let i = 0; i < W; i++) e(`  s[o + ${i}] = s${i};`);
  };

  e('/** The external linear layer on s[o .. o + 16) (the layer before the first round). */');
  e('function externalLinear16(s: Uint32Array, o: number): void {');
  e('  const p = 0x78000001;');
  e('  const invP = 1 / 0x78000001;');
  e('  let r = 0;');
  e('  let t = 0;');
  load();
  external('  ', S, S);
  store();
  e('}');
  e('');
  e('/** Four full rounds: S-box (s + rc)^7 on every lane, then the external layer; rc is 4 x 16. */');
  e('function fullRounds16(s: Uint32Array, o: number, rc: Float64Array): void {');
  prelude();
  load();
  e('  for (let k = 0; k < 64; k += 16) {');
  for (let i = 0; i < W; i++) {
    e(`    const x${i} = s${i} + rc[k + ${i}];`);
    e(`    let a${i} = 0;`);
    e(`    let b${i} = 0;`);
    e(`    let c${i} = 0;`);
    mul('    ', `a${i}`, `x${i}`, `x${i}`);
    mul('    ', `b${i}`, `a${i}`, `x${i}`);
    mul('    ', `c${i}`, `a${i}`, `a${i}`);
    mul('    ', `a${i}`, `b${i}`, `c${i}`);
  }
  external('    ', lanes('a'), S);
  e('  }');
  store();
  e('}');
  e('');
  e('/**');
  e(' * The partial rounds: S-box on lane 0, then sum + V[i] * s[i] with V applied by shifts. Also the');
  e(' * partial rounds of the single-state `permute` (./poseidon2.ts): canonical in, canonical out.');
  e(' * @param s states');
  e(' * @param o offset of the state');
  e(' * @param rcInt the 13 internal round constants');
  e(' */');
  e('export function partialRounds16(s: Uint32Array, o: number, rcInt: Float64Array): void {');
  prelude();
  load();
  e('  const n = rcInt.length;');
  e('  for (let k = 0; k < n; k++) {');
  e('    const x = s0 + rcInt[k];');
  e('    let x2 = 0;');
  e('    let x3 = 0;');
  e('    let x4 = 0;');
  e('    let x7 = 0;');
  mul('    ', 'x2', 'x', 'x');
  mul('    ', 'x3', 'x2', 'x');
  mul('    ', 'x4', 'x2', 'x2');
  mul('    ', 'x7', 'x3', 'x4');
  e('    // s1..s15 do not depend on this S-box, so their tree sum overlaps with it');
  e('    const sum =');
  e(
    '      x7 + (s1 + s2 + (s3 + s4) + (s5 + s6 + (s7 + s8)) + (s9 + s10 + (s11 + s12) + (s13 + s14 + s15)));',
  );
  // V = [-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/4, 1/8, 1/2^27, -1/2^8, -1/16, -1/2^27]
  const diag = [
    'sum - 2 * x7',
    'sum + s1',
    'sum + 2 * s2',
    'sum + (s3 >>> 1) - (s3 & 1) * 15 * 2 ** 26',
    'sum + 3 * s4',
    'sum + 4 * s5',
    'sum - (s6 >>> 1) + (s6 & 1) * 15 * 2 ** 26',
    'sum - 3 * s7',
    'sum - 4 * s8',
    'sum + (s9 >>> 8) - (s9 & 0xff) * 15 * 2 ** 19',
    'sum + (s10 >>> 2) - (s10 & 0x3) * 15 * 2 ** 25',
    'sum + (s11 >>> 3) - (s11 & 0x7) * 15 * 2 ** 24',
    'sum + (s12 >>> 27) - (s12 & 0x7ffffff) * 15',
    'sum - (s13 >>> 8) + (s13 & 0xff) * 15 * 2 ** 19',
    'sum - (s14 >>> 4) + (s14 & 0xf) * 15 * 2 ** 23',
    'sum - (s15 >>> 27) + (s15 & 0x7ffffff) * 15',
  ];
  for (let i = 0; i < W; i++) {
    e(`    t = ${diag[i]};`);
    reduce('    ', `s${i}`, 't');
  }
  e('  }');
  store();
  e('}');
  e('');
  e('/**');
  e(' * Permutes s[o .. o + 16) in place.');
  e(' * @param s states');
  e(' * @param o offset of the state');
  e(' * @param rcInit 4 x 16 initial external round constants, row-major');
  e(' * @param rcTerm 4 x 16 terminal external round constants, row-major');
  e(' * @param rcInt the 13 internal round constants');
  e(' */');
  e('export function permute16(');
  e('  s: Uint32Array,');
  e('  o: number,');
  e('  rcInit: Float64Array,');
  e('  rcTerm: Float64Array,');
  e('  rcInt: Float64Array,');
  e('): void {');
  e('  externalLinear16(s, o);');
  e('  fullRounds16(s, o, rcInit);');
  e('  partialRounds16(s, o, rcInt);');
  e('  fullRounds16(s, o, rcTerm);');
  e('}');
  return `${out.join('\n')}\n`;
}

/** Where the kernel lives. */
export const KERNEL_PATH = 'src/hash/poseidon2-kernel16.ts';

if (process.argv[1]?.endsWith('gen-poseidon2-kernel.ts')) {
  const text = kernelSource();
  if (existsSync(KERNEL_PATH) && readFileSync(KERNEL_PATH, 'utf8') === text) {
    console.error(`${KERNEL_PATH} is current`);
  } else {
    writeFileSync(KERNEL_PATH, text);
    console.error(`wrote ${KERNEL_PATH}`);
  }
}
