// What a Vite user writes: a bare import of the package; Vite bundles it, its worker and onnxruntime-web's WASM.
import { createClip, createDiffusion } from 'web-diffusion';

const status = document.querySelector('#status');
const params = new URLSearchParams(location.search);
const model = params.get('model') ?? '/test/fixtures/models/web-int64/';

async function main() {
  const diffusion = await createDiffusion({ model, device: params.get('device') ?? 'wasm' });
  const result = await diffusion.generate({ prompt: 'a red fox in the snow', width: 64, height: 64, steps: 2, seed: 42 });
  document.querySelector('#out').getContext('2d').putImageData(result.image, 0, 0);
  await diffusion.dispose();
  // createClip's code is a chunk of its own (decision 0013): Vite must bundle and load it too.
  const clip = await createClip({ model: '/test/fixtures/models/clip-split/', device: 'wasm' });
  const [textEmbedding] = await clip.embedText('a red fox');
  await clip.dispose();
  return { ...result, textEmbedding };
}

// The browser test reads `window.generated` (resolves to the result, or rejects with the error).
window.generated = main();
window.generated.then(
  (result) => { status.textContent = `Done: seed ${result.seed}.`; },
  (error) => { status.textContent = `Failed (${error.code ?? error.name}): ${error.message}`; },
);
