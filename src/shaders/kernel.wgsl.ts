/**
 * WGSL text shared by every compute kernel: the bindings (storage buffers at 0.., then the
 * `params` uniform), the 1-D entry point with its bounds check, and loads and stores of one
 * extension element (4 consecutive words). Kernels interpolate these, so a binding layout or the
 * dispatch indexing is written once.
 *
 * Invariants: the host binds resources in the order given here (storage first, params last; see
 * Engine.run in src/runtime/webgpu/engine.ts); `linear_id` comes from linearIdWgsl.
 */

/** Dispatch-width helper shared by kernels: a linear invocation index from a 2-D grid. */
export const linearIdWgsl = (wg: number): string => /* wgsl */ `
fn linear_id(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * ${wg}u;
}
`;

/** A storage binding's access, optionally followed by its type (default array<u32>): 'read', 'read_write atomic<u32>'. */
export type StorageAccess = 'read' | 'read_write' | `${'read' | 'read_write'} ${string}`;

/**
 * The bindings of a kernel: the `storage` buffers at bindings 0.. in key order, then
 * `var<uniform> params: Params` with `struct Params { <fields> }` at the next binding.
 * @param fields the Params fields, e.g. 'beta: vec4<u32>, m: u32'
 * @param storage name -> access (and type), in binding order
 * @returns WGSL declarations
 * @example
 * bindingsWgsl('n: u32', { a: 'read', out: 'read_write' });
 */
export function bindingsWgsl(fields: string, storage: Readonly<Record<string, StorageAccess>>): string {
  let out = `struct Params { ${fields} }\n`;
  let i = 0;
  for (const [name, spec] of Object.entries(storage)) {
    const sp = spec.indexOf(' ');
    const access = sp < 0 ? spec : spec.slice(0, sp);
    const type = sp < 0 ? 'array<u32>' : spec.slice(sp + 1);
    out += `@group(0) @binding(${i++}) var<storage, ${access}> ${name}: ${type};\n`;
  }
  return `${out}@group(0) @binding(${i}) var<uniform> params: Params;\n`;
}

/**
 * linear_id and the head of a 1-D kernel's `main` up to its bounds check
 * (`let <id> = linear_id(gid, nwg); if (<id> >= <bound>) { return; }`); the body and the closing
 * brace follow.
 * @param wg workgroup size
 * @param id the thread index's name
 * @param bound the exclusive bound expression
 * @returns WGSL source
 */
export const mainWgsl = (wg: number, id: string, bound: string): string => /* wgsl */ `${linearIdWgsl(wg)}
@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let ${id} = linear_id(gid, nwg);
  if (${id} >= ${bound}) { return; }`;

/**
 * WGSL expression: the extension element at element index `i` of a flat u32 array.
 * @param arr the array's name
 * @param i the element index expression
 * @returns `vec4<u32>(arr[4u * i], ..., arr[4u * i + 3u])`
 */
export const loadExt = (arr: string, i: string): string =>
  `vec4<u32>(${arr}[4u * ${i}], ${arr}[4u * ${i} + 1u], ${arr}[4u * ${i} + 2u], ${arr}[4u * ${i} + 3u])`;

/**
 * WGSL statements: stores the vec4 `v` as the extension element at element index `i`.
 * @param arr the array's name
 * @param i the element index expression
 * @param v the vec4<u32> variable
 * @returns four assignments on one line
 */
export const storeExt = (arr: string, i: string, v: string): string =>
  `${arr}[4u * ${i}] = ${v}.x; ${arr}[4u * ${i} + 1u] = ${v}.y; ${arr}[4u * ${i} + 2u] = ${v}.z; ${arr}[4u * ${i} + 3u] = ${v}.w;`;
