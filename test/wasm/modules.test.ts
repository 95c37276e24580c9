/**
 * src/wasm/modules.generated.ts holds exactly the bytes the emitters produce (run `npm run gen`
 * after changing an emitter), and `bytesOfBase64` reads them back.
 */

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { MODULES_PATH, modulesSource } from '../../scripts/gen-wasm-modules.ts';
import { friRoundWasmBytes } from '../../src/fri/round-wasm.ts';
import { poseidon2WasmBytes } from '../../src/hash/poseidon2-wasm.ts';
import { bytesOfBase64 } from '../../src/wasm/emit.ts';
import { FRI_ROUND_WASM_BASE64, POSEIDON2_WASM_BASE64 } from '../../src/wasm/modules.generated.ts';

it('the generated modules are the emitters’ bytes, and the file is what the generator prints', () => {
  expect(Array.from(bytesOfBase64(POSEIDON2_WASM_BASE64))).toEqual(Array.from(poseidon2WasmBytes()));
  expect(Array.from(bytesOfBase64(FRI_ROUND_WASM_BASE64))).toEqual(Array.from(friRoundWasmBytes()));
  expect(readFileSync(MODULES_PATH, 'utf8')).toBe(modulesSource());
});

it('bytesOfBase64 decodes every byte value', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  expect(Array.from(bytesOfBase64(Buffer.from(all).toString('base64')))).toEqual(Array.from(all));
  expect(bytesOfBase64('').length).toBe(0);
});
