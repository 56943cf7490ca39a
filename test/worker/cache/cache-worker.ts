// A module Worker that loads one file through the cache, standing in for another tab's pipeline worker.
// Message in: { url, size, chunkSize }; messages out: { progress } while loading, then { bytes } or { error }.
import { fetchModelFile, setCacheTuning } from '../../../src/worker/cache/model-cache.ts';

self.onmessage = async (event: MessageEvent<{ url: string; size: number; chunkSize: number }>) => {
  const { url, size, chunkSize } = event.data;
  setCacheTuning({ chunkSize, retryBaseMs: 5, maxRetries: 3, progressIntervalMs: 0 });
  try {
    const bytes = await fetchModelFile({ url, name: 'unet/model.onnx', modelId: 'test-model', size }, {
      onProgress: (p) => self.postMessage({ progress: p.loaded }),
    });
    self.postMessage({ bytes }, { transfer: [bytes.buffer] });
  } catch (error) {
    self.postMessage({ error: `${(error as Error).name}: ${(error as Error).message}` });
  }
};
