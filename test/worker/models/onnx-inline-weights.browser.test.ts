// A session made from a model whose embedded weights were turned into external data (onnx-inline-weights.ts)
// computes exactly what the original model does, on real onnxruntime-web (WASM), for every fixture network.
import { equal, ok } from '../../helpers/assert.ts';
import { VARIANTS } from '../../helpers/models.ts';
import { externalDataLocations } from '../../../src/worker/models/onnx-external-data.ts';
import { externalizeWeights, INLINE_WEIGHTS_PATH } from '../../../src/worker/models/onnx-inline-weights.ts';
import { createSession, inputsOf, makeTensor, releaseSession, runSession, type OrtTensor, type Session, type TensorType } from '../../../src/worker/runtime/ort.ts';

const bytesOf = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());

/** Deterministic inputs for every declared input: symbolic dimensions become 1 (batch), 4 (latent channels) or 8. */
function feeds(session: Session): Record<string, OrtTensor> {
  const out: Record<string, OrtTensor> = {};
  for (const input of inputsOf(session)) {
    const dims = input.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : i === 1 && input.shape.length === 4 ? 4 : 8));
    const n = dims.reduce((a, b) => a * b, 1);
    const type = input.type as TensorType;
    const data = type === 'float32' ? Float32Array.from({ length: n }, (_, i) => Math.sin(i))
      : type === 'float16' ? Uint16Array.from({ length: n }, (_, i) => 0x3800 + (i % 256))
        : type === 'int32' ? Int32Array.from({ length: n }, (_, i) => (i * 7) % 100)
          : BigInt64Array.from({ length: n }, (_, i) => BigInt((i * 7) % 100));
    out[input.name] = makeTensor(type, data, dims);
  }
  return out;
}

describe('embedded weights as external data', () => {
  for (const variant of VARIANTS) {
    for (const part of ['text_encoder', 'unet', 'vae_decoder']) {
      it(`${variant}/${part} gives the same outputs as the original model`, async () => {
        const url = new URL(`/test/fixtures/models/${variant}/${part}/model.onnx`, location.href).href;
        const model = await bytesOf(url);
        const external = await Promise.all(externalDataLocations(model).map(async (path) => ({ path, data: await bytesOf(new URL(path, url).href) })));
        const graph = externalizeWeights(model);
        ok(graph || external.length > 0, 'the fixture has weights to move');
        if (!graph) return;
        const label = `${variant}/${part}`;
        const plain = await createSession(model, { backend: 'wasm', label, externalData: external.length ? external : undefined });
        const moved = await createSession(graph, { backend: 'wasm', label, externalData: [...external, { path: INLINE_WEIGHTS_PATH, data: model }] });
        try {
          const input = feeds(plain);
          const [a, b] = [await runSession(plain, input, label), await runSession(moved, input, label)];
          for (const name of Object.keys(a)) {
            const [x, y] = [a[name].data as ArrayLike<number>, b[name].data as ArrayLike<number>];
            equal(y.length, x.length, `${name} length`);
            for (let i = 0; i < x.length; i += 1) if (!Object.is(x[i], y[i])) throw new Error(`${name}[${i}]: ${x[i]} != ${y[i]}`);
          }
        } finally {
          await Promise.all([releaseSession(plain), releaseSession(moved)]);
        }
      });
    }
  }
});
