/**
 * The browser proving example: pick a circuit (Fibonacci, the Poseidon2 AIR or a family) and a
 * size, prove with dist/browser/plonky3-prove.js (WebGPU, else Web Workers on a cross-origin-
 * isolated page, else this thread), watch the progress, verify the proof by its circuit id,
 * download it and see the times. Serve the repository root (after `npm run build`) and open
 * /examples/browser/prove.html; for the worker pool, serve it with COOP/COEP headers.
 *
 * The page reports its state on #result[data-status] (idle | proving | verifying | verified |
 * rejected | error) and exposes window.proveAndVerify(request, options) for scripting, which
 * test/browser/prover.test.ts uses.
 */
import {
  BrowserProver,
  CIRCUIT_REGISTRY,
  PRESETS,
  PROVER_CIRCUITS,
  verifyEnvelope,
} from '../../dist/browser/plonky3-prove.js';

const $ = (id) => document.getElementById(id);

for (const name of PROVER_CIRCUITS) $('circuit').append(new Option(name, name));
for (const name of Object.keys(PRESETS)) $('preset').append(new Option(name, name, false, name === 'c100'));

const DEFAULT_LOG_ROWS = { fibonacci: 10, poseidon2: 4 };
function syncSizeInputs() {
  const c = $('circuit').value;
  const isBench = c in DEFAULT_LOG_ROWS;
  $('log-rows-label').hidden = !isBench;
  $('size-label').hidden = isBench;
  if (isBench) $('log-rows').value = String(DEFAULT_LOG_ROWS[c]);
}
$('circuit').addEventListener('change', syncSizeInputs);
syncSizeInputs();

const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
let downloadUrl;

function show(status, fields = {}) {
  $('result').dataset.status = status;
  $('status').textContent = fields.status ?? status;
  for (const id of ['backend', 'proof-info', 'time-ms', 'verify-code', 'verify-ms'])
    if (fields[id] !== undefined) $(id).textContent = fields[id];
}

/**
 * Proves a request, verifies the proof by its circuit id, shows both; exposed for scripting.
 * @param {{ circuit: string, logRows?: number, size?: string, preset?: string }} req
 * @param {{ mode?: string, workers?: number, minParallelRows?: number }} [opts]
 */
async function proveAndVerify(req, opts = {}) {
  $('log').replaceChildren();
  $('notice').textContent = '';
  $('download').hidden = true;
  $('bar').removeAttribute('value');
  show('proving', { backend: '-', 'proof-info': '-', 'time-ms': '-', 'verify-code': '-', 'verify-ms': '-' });
  const events = [];
  const prover = new BrowserProver(opts);
  prover.addEventListener('progress', (e) => {
    const p = e.detail;
    events.push(p.stage);
    const li = document.createElement('li');
    li.textContent = `${p.stage}: ${p.message}`;
    $('log').append(li);
    if (p.total) {
      $('bar').max = p.total;
      $('bar').value = p.done;
    }
  });
  prover.addEventListener('notice', (e) => {
    $('notice').textContent = e.detail;
  });
  try {
    const r = await prover.prove(req);
    $('bar').max = 1;
    $('bar').value = 1;
    show('verifying', {
      backend: r.backend + (r.adapter ? ` (${r.adapter})` : ''),
      'proof-info': `${r.circuitId}, 2^${r.logRows} rows, ${r.preset}, ${r.proof.length} bytes`,
      'time-ms': r.ms.toFixed(0),
    });
    await new Promise((res) => setTimeout(res, 0));
    // accept exactly the preset proved under; picking a test-only one in the menu is the opt-in to test mode
    const preset = PRESETS[r.preset];
    const t0 = performance.now();
    const v = verifyEnvelope(r.proof, r.publicValues, {
      registry: CIRCUIT_REGISTRY,
      presets: [preset],
      allowInsecure: preset.insecure,
    });
    const verifyMs = performance.now() - t0;
    show(v.ok ? 'verified' : 'rejected', {
      'verify-code': v.ok ? 'ok' : v.code,
      'verify-ms': verifyMs.toFixed(0),
    });
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([r.proof], { type: 'application/octet-stream' }));
    $('download').href = downloadUrl;
    $('download').download = `${req.circuit}-2^${r.logRows}-${r.preset}.proof`;
    $('download').hidden = false;
    return {
      hex: hex(r.proof),
      publicValues: Array.from(r.publicValues),
      circuitId: r.circuitId,
      backend: r.backend,
      adapter: r.adapter ?? null,
      gpuOps: r.gpuOps ?? null,
      fallbacks: r.fallbacks ?? null,
      poolJobs: r.poolJobs ?? null,
      ms: r.ms,
      notices: r.notices,
      events,
      verify: v.ok ? { ok: true } : { ok: false, code: v.code },
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
    };
  } catch (e) {
    show('error', { status: `error: ${e?.message ?? e}` });
    return { error: String(e?.message ?? e), code: e?.code ?? null, events };
  } finally {
    prover.close();
  }
}
window.proveAndVerify = proveAndVerify;

$('prove').addEventListener('click', () => {
  const circuit = $('circuit').value;
  const req =
    circuit in DEFAULT_LOG_ROWS
      ? { circuit, logRows: Number($('log-rows').value), preset: $('preset').value }
      : { circuit, size: $('size').value, preset: $('preset').value };
  proveAndVerify(req, { mode: $('mode').value });
});

document.body.dataset.ready = '1';
