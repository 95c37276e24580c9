/**
 * The browser example: reads a proof (file input or the shipped sample), verifies it with the
 * browser bundle of plonky3-ts/verify and shows accepted / rejected, the rejection code and the
 * verification time. The bundle is loaded from ../../dist/browser/ (run `npm run build`, then
 * serve the repository root, e.g. `python3 -m http.server`, and open /examples/browser/).
 * Format "by circuit id" calls verifyEnvelope with the registry of every built-in circuit,
 * fetched (a separate chunk) on first use by loadCircuitRegistry().
 *
 * The page reports its state on #result[data-status] (idle | verifying | accepted | rejected |
 * error), #code, #circuit and #time-ms, which test/browser/chromium.test.ts reads.
 */
import {
  PRESETS,
  circuitIdOf,
  configDigest,
  fibonacciAir,
  loadCircuitRegistry,
  parseEnvelope,
  verify,
  verifyEnvelope,
} from '../../dist/browser/plonky3-verify.min.js';

const $ = (id) => document.getElementById(id);
const air = fibonacciAir();

for (const name of Object.keys(PRESETS)) {
  const o = document.createElement('option');
  o.value = name;
  o.textContent = name;
  if (name === 'plonky3-fixture') o.selected = true;
  $('preset').append(o);
}

const isEnvelope = (b) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x33 && b[2] === 0x54 && b[3] === 0x53;

/** The preset whose configuration digest an envelope carries, or null. */
function presetOfEnvelope(bytes) {
  let h;
  try {
    h = parseEnvelope(bytes);
  } catch {
    return null; // verify() reports the decode error with its code
  }
  for (const [name, config] of Object.entries(PRESETS)) {
    const d = configDigest(config);
    if (d.every((x, i) => x === h.configDigest[i])) return name;
  }
  return null;
}

function show(status, fields) {
  $('result').dataset.status = status;
  $('status').textContent = status;
  $('code').textContent = fields.code ?? '-';
  $('circuit').textContent = fields.circuit ?? '-';
  $('detail').textContent = fields.detail ?? '-';
  $('time-ms').textContent = fields.ms === undefined ? '-' : fields.ms.toFixed(1);
  $('proof-info').textContent = fields.info ?? '-';
}

/** Verifies `bytes` with the page's settings; exposed as window.verifyBytes for scripting. */
async function verifyBytes(bytes, label) {
  show('verifying', { info: `${label}, ${bytes.length} bytes` });
  await new Promise((r) => setTimeout(r, 0)); // let the page repaint
  try {
    const publics = $('publics')
      .value.split(/[\s,]+/)
      .filter((s) => s.length > 0)
      .map((s) => Number(s));
    let format = $('format').value;
    if (format === 'by-id') return await verifyById(bytes, publics, label);
    if (format === 'auto') format = isEnvelope(bytes) ? 'envelope' : 'postcard';
    const presetName = (format === 'envelope' && presetOfEnvelope(bytes)) || $('preset').value;
    const t0 = performance.now();
    // The page's preset menu names the test presets; picking one is the opt-in to test mode.
    const res = verify(air, bytes, publics, PRESETS[presetName], { format, allowInsecure: PRESETS[presetName]?.insecure === true });
    const ms = performance.now() - t0;
    const info = `${label}, ${bytes.length} bytes, ${format}, preset ${presetName}, circuit ${circuitIdOf(air)}`;
    const circuit = circuitIdOf(air);
    if (res.ok) show('accepted', { ms, info, circuit });
    else show('rejected', { ms, info, circuit, code: res.code, detail: res.path ? `${res.detail} (at ${res.path})` : res.detail });
    return res;
  } catch (e) {
    show('error', { detail: String(e?.message ?? e) });
    throw e;
  }
}
window.verifyBytes = verifyBytes;

/** Verifies an envelope by the circuit id and configuration digest it carries. */
async function verifyById(bytes, publics, label) {
  const registry = await loadCircuitRegistry(); // the registry chunk, fetched once
  const t0 = performance.now();
  // the checkbox is the opt-in to test mode: then the test-only presets are accepted too
  const res = verifyEnvelope(bytes, publics, { registry, allowInsecure: $('allow-insecure').checked });
  const ms = performance.now() - t0;
  const info = `${label}, ${bytes.length} bytes, by circuit id, preset ${res.preset ?? '?'}`;
  const circuit = res.circuitId ?? '-';
  if (res.ok) show('accepted', { ms, info, circuit });
  else show('rejected', { ms, info, circuit, code: res.code, detail: res.path ? `${res.detail} (at ${res.path})` : res.detail });
  return res;
}

$('file').addEventListener('change', async () => {
  const f = $('file').files?.[0];
  if (f) await verifyBytes(new Uint8Array(await f.arrayBuffer()), f.name);
});

$('sample').addEventListener('click', async () => {
  const r = await fetch(new URL('./sample-fib.proof', import.meta.url));
  if (!r.ok) {
    show('error', { detail: `sample-fib.proof: HTTP ${r.status}` });
    return;
  }
  await verifyBytes(new Uint8Array(await r.arrayBuffer()), 'sample-fib.proof');
});

document.body.dataset.ready = '1';
