// Every progress callback of a generate() call runs before its promise settles, so a progress bar never jumps
// back after the image is shown.
import { equal, ok, rejectsWithAbort } from '../helpers/assert.ts';
import { load, smallRequest } from '../helpers/models.ts';
import type { Progress } from '../../src/sdk/index.ts';
import type { Diffusion } from '../../src/sdk/diffusion.ts';

/** Gives any report still in flight from the worker time to arrive (two timer turns; nothing is timed). */
async function drainMessages(): Promise<void> {
  for (let i = 0; i < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('progress is complete when generate() settles', () => {
  let diffusion: Diffusion;
  before(async () => { diffusion = await load('optimum-fp32'); });
  after(() => diffusion.dispose());

  for (const previews of [false, true]) {
    it(`every report has arrived when it resolves (previews ${previews})`, async () => {
      const seen: Progress[] = [];
      await diffusion.generate({ ...smallRequest, steps: 4, scheduler: 'DDIM', previews }, { onProgress: (p) => seen.push(p) });
      const atResolve = seen.length;
      const denoise = seen.filter((p) => p.phase === 'denoise');
      equal(denoise.length, 4);
      ok(seen.some((p) => p.phase === 'decode'), 'the decode report came before the result');
      await drainMessages();
      equal(seen.length, atResolve, 'no report after the promise resolved');
    });
  }

  it('every report has arrived when it rejects (cancelled during denoise)', async () => {
    const seen: Progress[] = [];
    const controller = new AbortController();
    const onProgress = (p: Progress) => {
      seen.push(p);
      if (p.phase === 'denoise' && p.step === 1) controller.abort();
    };
    await rejectsWithAbort(diffusion.generate({ ...smallRequest, steps: 4 }, { onProgress, signal: controller.signal }));
    const atReject = seen.length;
    ok(seen.some((p) => p.phase === 'denoise'), 'a denoise report came before the rejection');
    await drainMessages();
    equal(seen.length, atReject, 'no report after the promise rejected');
  });
});
