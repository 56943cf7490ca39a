// <diffusion-canvas best-of="N">: generates N, shows the best by CLIP score, keeps all N in `candidates` and the
// diffusion-complete event's detail.
import { loadWatched } from '../helpers/models.ts';
import { equal, ok } from '../helpers/assert.ts';
import { createClip, type Clip, type RankedResult } from '../../src/sdk/index.ts';
import type { DiffusionCanvasElement } from '../../src/elements/index.ts';
import type { DiffusionCompleteEvent } from '../../src/elements/events.ts';
import { FAST, mount, nextEvent, unmountAll } from './element-helpers.ts';

describe('<diffusion-canvas best-of>', () => {
  let clip: Clip;
  before(async () => { clip = await loadWatched('createClip(clip-combined)', '/test/fixtures/models/clip-combined/', (watch) => createClip({ model: new URL('/test/fixtures/models/clip-combined/', location.href).href, device: 'wasm', ...watch })); });
  after(async () => {
    unmountAll();
    await clip.dispose();
  });

  it('shows the best of 3 and keeps the others reachable', async () => {
    const host = await mount(`<diffusion-canvas ${FAST} best-of="3" prompt="a red fox in the snow"></diffusion-canvas>`);
    const canvas = host.querySelector('diffusion-canvas') as DiffusionCanvasElement;
    canvas.clip = clip;
    equal(canvas.bestOf, 3);
    const complete = nextEvent<DiffusionCompleteEvent>(canvas, 'diffusion-complete');
    const result = await canvas.generate();
    const { detail } = await complete;
    const candidates = canvas.candidates as RankedResult[];
    equal(candidates.length, 3);
    equal(detail.candidates?.length, 3);
    equal(detail.result, result);
    equal(result, candidates[0], 'the best is shown');
    equal(candidates.map((c) => c.seed).sort().join(), '7,8,9');
    for (let i = 1; i < 3; i += 1) ok(candidates[i - 1].clipScore >= candidates[i].clipScore, 'best first');
    equal(canvas.image, result.image);
  });
});
