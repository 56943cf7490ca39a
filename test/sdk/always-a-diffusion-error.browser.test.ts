// The "every failure is a DiffusionError with a code" contract at the SDK's edges (issue 11.9): arguments that
// are not what the types say, and cancellation of a request still waiting in the queue.
import { DiffusionError, createDiffusion, outpaint } from '../../src/sdk/index.ts';
import { equal, ok, rejectsWithAbort, rejectsWithCode } from '../helpers/assert.ts';
import { load, modelUrl, smallRequest, varies } from '../helpers/models.ts';
import type { Diffusion } from '../../src/sdk/index.ts';

function throwsCode(run: () => unknown, code: string): void {
  try {
    run();
  } catch (error) {
    ok(error instanceof DiffusionError, `a DiffusionError, got ${String(error)}`);
    equal(error.code, code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** The rejection of `promise`, whatever it is. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('always a DiffusionError', () => {
  let diffusion: Diffusion;
  before(async () => { diffusion = await load('web-int64', { device: 'wasm' }); });
  after(() => diffusion.dispose());

  it('generateBatch with a seed past 2**32, such as 2**53, -> invalid-seed, not a silent wrap to 0', async () => {
    for (const seed of [2 ** 53, 2 ** 53 + 2, 2 ** 32, -1, 1.5, Number.NaN]) {
      await rejectsWithCode(diffusion.generateBatch({ ...smallRequest, seed }, 2), 'invalid-seed');
    }
  });

  it('outpaint(null) and missing margins -> invalid-image, invalid-argument', () => {
    throwsCode(() => outpaint(null as unknown as ImageData, { right: 8 }), 'invalid-image');
    throwsCode(() => outpaint({ width: 2 } as ImageData, { right: 8 }), 'invalid-image');
    throwsCode(() => outpaint(new ImageData(8, 8), null as never), 'invalid-argument');
  });

  it('signal: {} (not an AbortSignal) and a non-function onProgress -> invalid-argument', async () => {
    const notASignal = { signal: {} as AbortSignal };
    await rejectsWithCode(diffusion.generate(smallRequest, notASignal), 'invalid-argument');
    await rejectsWithCode(diffusion.generateBatch(smallRequest, 2, notASignal), 'invalid-argument');
    await rejectsWithCode(diffusion.generate(smallRequest, { onProgress: 'log' as never }), 'invalid-argument');
    await rejectsWithCode(createDiffusion({ model: modelUrl('web-int64'), ...notASignal }), 'invalid-argument');
  });

  it('a workerFactory that throws, or returns no Worker -> worker-crashed with the cause', async () => {
    const broken = new Error('no workers here');
    const error = await rejectsWithCode(createDiffusion({ model: modelUrl('web-int64'), workerFactory: () => { throw broken; } }), 'worker-crashed');
    equal(error.cause, broken);
    ok(error.message.includes('no workers here'), error.message);
    await rejectsWithCode(createDiffusion({ model: modelUrl('web-int64'), workerFactory: () => undefined as unknown as Worker }), 'worker-crashed');
  });

  it('aborting a queued request rejects at once, before the running one ends; the queue goes on', async () => {
    const queued = new AbortController();
    let firstDone = false;
    let queuedRan = false;
    const first = diffusion.generate({ ...smallRequest, steps: 40 }, {
      onProgress: (p) => { if (p.phase === 'denoise' && !queued.signal.aborted) queued.abort(); },
    }).then((result) => { firstDone = true; return result; });
    const second = diffusion.generate(smallRequest, { signal: queued.signal, onProgress: () => { queuedRan = true; } });
    await rejectsWithAbort(second);
    ok(!firstDone, 'the queued request rejected while the first was still running');
    ok(varies((await first).image));
    ok(!queuedRan, 'the cancelled request never ran');
    ok(varies((await diffusion.generate(smallRequest)).image), 'the next request runs');
  });

  it('a custom abort reason is the rejection, as with fetch; the default reason is an AbortError', async () => {
    const reason = new Error('the user left');
    const mine = new AbortController();
    mine.abort(reason);
    equal(await rejection(diffusion.generate(smallRequest, { signal: mine.signal })), reason);
    const running = new AbortController();
    const run = diffusion.generate({ ...smallRequest, steps: 40 }, {
      signal: running.signal,
      onProgress: (p) => { if (p.phase === 'denoise' && !running.signal.aborted) running.abort('stop'); },
    });
    equal(await rejection(run), 'stop');
    await rejectsWithAbort(diffusion.generate(smallRequest, { signal: AbortSignal.abort() }));
    ok(varies((await diffusion.generate(smallRequest)).image), 'still usable');
  });
});
