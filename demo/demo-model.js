// What every demo reads from its URL. Without `?model=` a demo uses a tiny model generated on this machine
// (`npm start` makes it), so the demos work offline as the README promises; it has random weights and makes noise.
// `?model=` takes a preset (sd-turbo, sd-1.5, sd-2-inpainting) or a folder URL; `?device=` wasm, webgpu or auto.

/** The generated text-to-image model, and its 9-channel inpainting sibling. */
export const TINY_MODEL = '/test/fixtures/models/web-int64/';
export const TINY_INPAINTING_MODEL = '/test/fixtures/models/inpaint-9ch/';

const params = new URLSearchParams(location.search);

/** The model to load: `?model=`, else the given tiny model. */
export function demoModel(tiny = TINY_MODEL) {
  return params.get('model') || tiny;
}

/** `?device=`, else WASM for the tiny models (they run in a second there) and 'auto' for real ones. */
export function demoDevice(model) {
  return params.get('device') || (model.startsWith('/test/fixtures/models/') ? 'wasm' : 'auto');
}

/** Codes that mean the model's files did not arrive: offline, or a wrong URL. */
const UNREACHABLE = new Set(['download-failed', 'model-not-found']);

/**
 * What to do when a model could not be downloaded, or undefined for other failures. Offline, a real preset
 * can only fail, so the hint names the model that works without a network.
 */
export function offlineHint(error, model) {
  if (!UNREACHABLE.has(error?.code) || model.startsWith('/test/fixtures/models/')) return undefined;
  const offline = navigator.onLine === false ? 'You are offline. ' : 'If you are offline: ';
  return `${offline}the tiny local model works without a network: ?model=${TINY_MODEL}`;
}

/**
 * Sets `canvas`'s model and device from the URL, and shows {@link offlineHint} in `hint` when loading fails
 * (the canvas shows the error itself).
 */
export function setUpCanvas(canvas, hint, tiny = TINY_MODEL) {
  const model = demoModel(tiny);
  canvas.model = model;
  canvas.device = demoDevice(model);
  canvas.addEventListener('diffusion-error', (event) => {
    hint.textContent = offlineHint(event.detail.error, model) ?? '';
    hint.hidden = !hint.textContent;
  });
  canvas.addEventListener('diffusion-complete', () => { hint.hidden = true; });
}
