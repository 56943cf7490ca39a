// Parity with diffusers 0.24's PyTorch pipelines beyond the three dev cases, on WASM through the public SDK:
// every sampler both sides have, seeds, guidance on and off, a negative prompt, image-to-image strengths and both
// kinds of inpainting, on the real-architecture tiny models (test/fixtures/diffusers/, a copy of ../shared/models).
// The oracle is test/fixtures/oracle/diffusers-parity-extra.json (tools/oracle/README.md says how it is made).
// A case matches within the tolerance: at most 3 levels anywhere and a mean of at most 0.1 level.
import { loadWatched } from '../helpers/models.ts';
import { ok } from '../helpers/assert.ts';
import { createDiffusion } from '../../src/sdk/index.ts';
import type { Diffusion, GenerateInput } from '../../src/sdk/diffusion.ts';

interface OracleCase {
  readonly id: string;
  readonly model: 'tiny-sd' | 'tiny-sd-inpaint';
  readonly request: Record<string, unknown> & { readonly width: number; readonly height: number };
  readonly pixels: string;
  readonly known_bugs?: readonly string[];
  readonly known_bug_pixels?: string;
}

interface Oracle { readonly image: { readonly rgb: string }; readonly mask: { readonly rgb: string }; readonly cases: readonly OracleCase[] }

/**
 * Cases that do not match diffusers yet, each with the bug that explains it (issue 12). A listed case that starts
 * to match fails its test, so the list shrinks as the fixes land; an unlisted case that does not match fails too.
 */
// Empty since issue 12's items 1, 2 and 5 landed: all 63 cases match diffusers. A new case that does not match goes
// here with the bug that explains it, e.g. 'i2i-ddim-10-seed0-g7.5-s0.3': 'issue N item M: ...'.
const EXPECTED_FAILURES: Readonly<Record<string, string>> = {};

const MAX_LEVELS = 3;
const MAX_MEAN_LEVELS = 0.1;

const fixtureUrl = (path: string) => new URL(`/test/fixtures/${path}`, location.href).href;

function bytesOf(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** A 64x64 RGBA ImageData from the oracle's raw RGB. */
function imageFromRgb(base64: string, width = 64, height = 64): ImageData {
  const rgb = bytesOf(base64);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i += 1) data.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  return new ImageData(data, width, height);
}

interface Gap { readonly max: number; readonly mean: number }

/** Largest and mean absolute RGB difference between a result and raw RGB, over the pixels where `inside(i)`. */
function gap(image: ImageData, rgb: Uint8Array, inside: (pixel: number) => boolean): Gap {
  let max = 0;
  let sum = 0;
  let count = 0;
  for (let p = 0; p < image.width * image.height; p += 1) {
    if (!inside(p)) continue;
    for (let c = 0; c < 3; c += 1) {
      const d = Math.abs(image.data[p * 4 + c]! - rgb[p * 3 + c]!);
      max = Math.max(max, d);
      sum += d;
      count += 1;
    }
  }
  return { max, mean: sum / count };
}

const matches = (g: Gap) => g.max <= MAX_LEVELS && g.mean <= MAX_MEAN_LEVELS;
const describeGap = (g: Gap) => `max ${g.max} levels, mean ${g.mean.toFixed(3)}`;

/** The SDK request of a case: `image: true` / `mask: true` stand for the oracle's picture and mask. */
function requestOf(oracle: Oracle, c: OracleCase): GenerateInput {
  const { image, mask, ...rest } = c.request;
  return {
    ...rest,
    ...(image ? { image: imageFromRgb(oracle.image.rgb) } : {}),
    ...(mask ? { mask: imageFromRgb(oracle.mask.rgb) } : {}),
  } as unknown as GenerateInput;
}

// Top-level await: mocha names one test per case, so the cases are read before describe() runs.
const oracle = (await (await fetch(fixtureUrl('oracle/diffusers-parity-extra.json'))).json()) as Oracle;

describe('diffusers parity, extra cases (WASM)', () => {
  const models = new Map<string, Diffusion>();
  const tally = { matched: 0, total: 0, knownBugExplained: 0, knownBugTotal: 0, worstMax: 0, worstMean: 0 };

  before(async () => {
    for (const name of ['tiny-sd', 'tiny-sd-inpaint']) {
      models.set(name, await loadWatched(`createDiffusion(${name})`, `/test/fixtures/diffusers/${name}/`, (watch) => createDiffusion({ model: fixtureUrl(`diffusers/${name}/`), device: 'wasm', ...watch })));
    }
  });

  after(async () => {
    console.log(`parity: ${tally.matched} of ${tally.total} cases match`
      + ` (worst of the matching: max ${tally.worstMax} levels, mean ${tally.worstMean.toFixed(4)})`);
    console.log(`parity: ${tally.knownBugExplained} of ${tally.knownBugTotal} expected failures match diffusers with their known bugs imitated`);
    await Promise.all([...models.values()].map((m) => m.dispose()));
  });

  it('covers the cases of the oracle file and lists only existing ones as expected failures', () => {
    const ids = new Set(oracle.cases.map((c) => c.id));
    ok(ids.size >= 40, `only ${ids.size} cases`);
    const unknown = Object.keys(EXPECTED_FAILURES).filter((id) => !ids.has(id));
    ok(unknown.length === 0, `expected failures name no case: ${unknown.join(', ')}`);
  });

  for (const c of oracle.cases) {
    const id = c.id;
    it(id, async () => {
      const { width } = c.request;
      const mask = c.request.mask ? bytesOf(oracle.mask.rgb) : undefined;
      const inside = mask ? (p: number) => mask[p * 3]! > 127 : () => true;
      const result = await models.get(c.model)!.generate(requestOf(oracle, c));
      ok(result.image.width === width, `width ${result.image.width}, expected ${width}`);
      const toDiffusers = gap(result.image, bytesOf(c.pixels), inside);
      tally.total += 1;
      if (matches(toDiffusers)) {
        tally.matched += 1;
        tally.worstMax = Math.max(tally.worstMax, toDiffusers.max);
        tally.worstMean = Math.max(tally.worstMean, toDiffusers.mean);
      }
      const reason = EXPECTED_FAILURES[id];
      if (reason === undefined) {
        ok(matches(toDiffusers), `differs from diffusers: ${describeGap(toDiffusers)}`);
        return;
      }
      tally.knownBugTotal += 1;
      if (c.known_bug_pixels && matches(gap(result.image, bytesOf(c.known_bug_pixels), inside))) tally.knownBugExplained += 1;
      ok(!matches(toDiffusers), `now matches diffusers (${describeGap(toDiffusers)}): remove it from EXPECTED_FAILURES (${reason})`);
    });
  }
});
