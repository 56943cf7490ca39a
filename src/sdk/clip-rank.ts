/**
 * Ranking generated images by their prompt with CLIP (`generateBatch(..., { rankWith: clip })`). The cost is one
 * vision-encoder run per image and one text-encoder run for the prompt, after the images are made.
 */
import type { GenerateResult } from './result.ts';
import type { ImageSource } from './image-input.ts';

/** What ranking needs from a CLIP instance (a `Clip` has it); structural, so diffusion.ts need not import clip.ts. */
export interface ClipRanker {
  similarity(images: readonly ImageSource[], texts: string, options?: { readonly signal?: AbortSignal }): Promise<number[][]>;
}

/** A generated image with its CLIP cosine to its prompt. */
export type RankedResult = GenerateResult & { readonly clipScore: number };

/** `results` with `clipScore` (cosine to `prompt`), best first; ties keep generation order. */
export async function rankByPrompt(results: readonly GenerateResult[], prompt: string, clip: ClipRanker, options: { readonly signal?: AbortSignal } = {}): Promise<RankedResult[]> {
  const scores = await clip.similarity(results.map((r) => r.image), prompt, { signal: options.signal });
  return results.map((result, i) => ({ ...result, clipScore: scores[i][0] })).sort((a, b) => b.clipScore - a.clipScore);
}
