// The tokenizer needs nothing from the DOM or the main thread: it loads and encodes inside a worker thread.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const fixture = (path: string) => new URL(`../../fixtures/${path}`, import.meta.url);

it('encodes inside a worker thread, with no window or document', async () => {
  const oracle = JSON.parse(readFileSync(fixture('oracle/clip-tokenizer.json'), 'utf8')) as {
    prompts: { name: string; text: string; input_ids_pad_eos: number[] }[];
  };
  const prompt = oracle.prompts.find((p) => p.name === 'plain_sd_example');
  assert.ok(prompt);
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    // The worker starts without tsx's loader; tsImport loads the TypeScript sources directly.
    import('tsx/esm/api').then(({ tsImport }) => tsImport(workerData.module, workerData.module)).then(({ ClipTokenizer }) => {
      const tokenizer = ClipTokenizer.fromFiles(workerData.vocab, workerData.merges);
      parentPort.postMessage({
        ids: Array.from(tokenizer.encodeForModel(workerData.prompt)),
        dom: typeof window !== 'undefined' || typeof document !== 'undefined',
      });
    }, (error) => parentPort.postMessage({ error: String(error) }));`;
  const worker = new Worker(code, {
    eval: true,
    workerData: {
      module: new URL('../../../src/worker/tokenizer/index.ts', import.meta.url).href,
      vocab: readFileSync(fixture('clip/vocab.json'), 'utf8'),
      merges: readFileSync(fixture('clip/merges.txt'), 'utf8'),
      prompt: prompt.text,
    },
  });
  try {
    const message = await new Promise<{ ids?: number[]; dom?: boolean; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(message.error, undefined);
    assert.equal(message.dom, false);
    assert.deepEqual(message.ids, prompt.input_ids_pad_eos);
  } finally {
    await worker.terminate();
  }
});
