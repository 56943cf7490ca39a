// Cancellation, queueing, batches, dispose, and recovery from a crashed worker or a lost GPU device.
import { equal, ok, rejectsWithAbort, rejectsWithCode } from '../helpers/assert.ts';
import { load, modelUrl, smallRequest, varies } from '../helpers/models.ts';
import { createDiffusion } from '../../src/sdk/index.ts';

/** A worker factory that remembers the last worker it made, so the test can inject faults into it. */
function faultyFactory() {
  const made: Worker[] = [];
  const factory = () => {
    const worker = new Worker(new URL('../fixtures/workers/faulty-worker.ts', import.meta.url), { type: 'module' });
    made.push(worker);
    return worker;
  };
  return { factory, made };
}

describe('lifecycle', () => {
  it('cancels mid-loop with an AbortError, then serves the next request at once', async () => {
    const diffusion = await load('web-int64');
    try {
      const controller = new AbortController();
      let steps = 0;
      const run = diffusion.generate({ ...smallRequest, steps: 40 }, {
        signal: controller.signal,
        onProgress: (p) => { if (p.phase === 'denoise' && ++steps === 2) controller.abort(); },
      });
      await rejectsWithAbort(run);
      ok(steps < 40, `stopped after ${steps} steps`);
      const result = await diffusion.generate(smallRequest);
      ok(varies(result.image));
    } finally {
      await diffusion.dispose();
    }
  });

  it('generateBatch makes image i with seed + i, each the same as generating it alone', async () => {
    const diffusion = await load('web-int64');
    try {
      const seen: number[] = [];
      const batch = await diffusion.generateBatch(smallRequest, 3, { onImage: (_, i) => seen.push(i) });
      equal(batch.map((r) => r.seed).join(), '42,43,44');
      equal(seen.join(), '0,1,2');
      const alone = await diffusion.generate({ ...smallRequest, seed: 43 });
      ok(alone.image.data.every((v, i) => v === batch[1].image.data[i]), 'the second image is seed 43 alone');
      await rejectsWithCode(diffusion.generateBatch(smallRequest, 0), 'invalid-argument');
      const wrapped = await diffusion.generateBatch({ ...smallRequest, seed: 2 ** 32 - 1, steps: 1 }, 2);
      equal(wrapped.map((r) => r.seed).join(), `${2 ** 32 - 1},0`);
    } finally {
      await diffusion.dispose();
    }
  });

  it('cancelling a load whose worker no longer answers rejects at once, ends that worker, and the next load works', async () => {
    const { factory, made } = faultyFactory();
    const controller = new AbortController();
    let frozen = false;
    const loading = createDiffusion({
      model: modelUrl('web-int64'), device: 'wasm', workerFactory: factory, signal: controller.signal,
      // Stuck as a worker inside ORT's session creation is: its thread never returns to read the cancel message.
      onProgress: () => { if (!frozen) { frozen = true; made[0].postMessage({ fault: 'freeze' }); setTimeout(() => controller.abort(), 300); } },
    });
    const started = performance.now();
    await rejectsWithAbort(loading);
    const waited = performance.now() - started;
    ok(frozen, 'the worker was frozen mid-load');
    ok(waited < 10_000, `rejected after ${Math.round(waited)} ms`);
    const diffusion = await load('web-int64');
    try {
      ok(varies((await diffusion.generate(smallRequest)).image));
    } finally {
      await diffusion.dispose();
    }
  });

  it('an already-aborted signal rejects without running', async () => {
    const diffusion = await load('web-int64');
    try {
      await rejectsWithAbort(diffusion.generate(smallRequest, { signal: AbortSignal.abort() }));
    } finally {
      await diffusion.dispose();
    }
  });

  it('runs concurrent requests in order', async () => {
    const diffusion = await load('web-int64');
    try {
      const finished: number[] = [];
      await Promise.all([1, 2, 3].map((seed) => diffusion.generate({ ...smallRequest, seed }).then((r) => finished.push(r.seed))));
      equal(finished.join(), '1,2,3');
    } finally {
      await diffusion.dispose();
    }
  });

  it('dispose rejects what is pending and queued with disposed', async () => {
    const diffusion = await load('web-int64');
    const running = diffusion.generate({ ...smallRequest, steps: 40 });
    const queued = diffusion.generate(smallRequest);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await diffusion.dispose();
    await rejectsWithCode(running, 'disposed');
    await rejectsWithCode(queued, 'disposed');
    await rejectsWithCode(diffusion.generate(smallRequest), 'disposed');
  });

  it('a crashed worker rejects with worker-crashed, and the next request starts a new one', async () => {
    const { factory, made } = faultyFactory();
    const diffusion = await load('web-int64', { workerFactory: factory });
    try {
      const run = diffusion.generate({ ...smallRequest, steps: 40 }, {
        onProgress: (p) => { if (p.phase === 'denoise' && p.step === 1) made[0].postMessage({ fault: 'crash' }); },
      });
      await rejectsWithCode(run, 'worker-crashed');
      const result = await diffusion.generate(smallRequest);
      ok(varies(result.image));
      equal(made.length, 2, 'a second worker was started');
    } finally {
      await diffusion.dispose();
    }
  });

  it('a lost GPU device rejects with device-lost, and the next request recovers', async function () {
    // Two WebGPU workers compile their shaders on SwiftShader, which takes most of a minute each.
    this.timeout(300_000);
    const { factory, made } = faultyFactory();
    const diffusion = await load('web-int64', { workerFactory: factory, device: 'webgpu' });
    try {
      // Lost while the text encoder runs: ORT's own run would wait forever, so this also checks that nothing hangs.
      const run = diffusion.generate(smallRequest, {
        onProgress: (p) => { if (p.phase === 'encode') made[0].postMessage({ fault: 'lose-device' }); },
      });
      await rejectsWithCode(run, 'device-lost');
      const result = await diffusion.generate(smallRequest);
      ok(varies(result.image));
    } finally {
      await diffusion.dispose();
    }
  });
});
