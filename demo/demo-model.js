// What every demo reads from its URL. Without `?model=` a demo uses the shapes model that ships with the package
// (src/models/, trained by tools/train/), so the demos work offline as the README promises: 64x64 pictures of
// flat shapes that follow the prompt. `?model=` takes a preset (sd-turbo, sd-1.5, sd-2-inpainting, ...) or a
// folder URL; `?device=` wasm, webgpu or auto.

/** The shipped text-to-image model, and its 9-channel inpainting sibling. */
export const TINY_MODEL = 'shapes';
export const TINY_INPAINTING_MODEL = 'shapes-inpainting';

/** Prompts the shapes world knows: a shape, its colour, a size, a place and a background colour. */
export const SHAPES_PROMPTS = [
  'a large red circle on a blue background',
  'a yellow star at the top left corner of a purple background',
  'small white square at the bottom right corner, black background',
  'a green triangle on an orange background',
];

const LOCAL = new Set([TINY_MODEL, TINY_INPAINTING_MODEL]);

const params = new URLSearchParams(location.search);

/** The model to load: `?model=`, else the given tiny model. */
export function demoModel(tiny = TINY_MODEL) {
  return params.get('model') || tiny;
}

/** `?device=`, else WASM for the small local models (they run in a second there) and 'auto' for real ones. */
export function demoDevice(model) {
  return params.get('device') || (LOCAL.has(model) || model.startsWith('/test/fixtures/models/') ? 'wasm' : 'auto');
}

/** Codes that mean the model's files did not arrive: offline, or a wrong URL. */
const UNREACHABLE = new Set(['download-failed', 'model-not-found']);

/**
 * What to do when a model could not be downloaded, or undefined for other failures. Offline, a real preset
 * can only fail, so the hint names the model that works without a network.
 */
export function offlineHint(error, model) {
  if (!UNREACHABLE.has(error?.code) || LOCAL.has(model) || model.startsWith('/test/fixtures/models/')) return undefined;
  const offline = navigator.onLine === false ? 'You are offline. ' : 'If you are offline: ';
  return `${offline}the shapes model ships with the package and works without a network: ?model=${TINY_MODEL}`;
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
