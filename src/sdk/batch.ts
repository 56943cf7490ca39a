/**
 * `Diffusion.generateBatch()`, loaded on its first call (decision 0013): `count` images one after another, image i
 * with seed `seed + i` (AUTOMATIC1111's batch count), optionally ranked by their prompt with CLIP.
 */
import { DiffusionError } from '../worker/protocol/errors.ts';
import { checkValue, randomSeed, REQUEST_RULES } from '../worker/protocol/validate.ts';
import { rankByPrompt, type ClipRanker } from './clip-rank.ts';
import type { Diffusion, GenerateInput, RunOptions } from './diffusion.ts';
import type { GenerateResult } from './result.ts';
import { checkRunOptions } from './worker-session.ts';

/** The most images one `generateBatch` call makes. */
const BATCH_LIMIT = 100;

/** generateBatch's options: a run's, plus a callback per image and a CLIP to rank the batch with. */
export interface BatchOptions extends RunOptions {
  readonly onImage?: (result: GenerateResult, index: number) => void;
  readonly rankWith?: ClipRanker;
}

/** Generates the batch on `diffusion`; count and seed are checked before the first image. */
export async function generateBatch(diffusion: Diffusion, request: GenerateInput, count: number, options: BatchOptions): Promise<GenerateResult[]> {
  if (!Number.isInteger(count) || count < 1 || count > BATCH_LIMIT) {
    throw new DiffusionError('invalid-argument', `count must be an integer from 1 to ${BATCH_LIMIT}; got ${String(count)}.`, { details: { count } });
  }
  checkRunOptions(options);
  // Checked here, not per image: `first + i` would otherwise wrap a seed such as 2**53 silently.
  const first = checkValue<number>('seed', request?.seed ?? randomSeed(), REQUEST_RULES.seed, 'invalid-seed');
  const results: GenerateResult[] = [];
  for (let i = 0; i < count; i += 1) {
    // Seeds wrap at 2^32 as torch's manual_seed keeps the low 32 bits.
    const result = await diffusion.generate({ ...request, seed: (first + i) % 2 ** 32 }, options);
    results.push(result);
    options.onImage?.(result, i);
  }
  // rankWith (a Clip): each result gains `clipScore`, the cosine to its prompt, and the batch is sorted best first.
  return options.rankWith ? rankByPrompt(results, request.prompt, options.rankWith, options) : results;
}
