/** The checks and arithmetic of the CLIP SDK: input rules (raised where the input enters), cosines, softmax. */
import { DiffusionError } from '../worker/protocol/errors.ts';
import type { ClipEmbeddings } from '../worker/protocol/clip-types.ts';

/** One text or a non-empty list of texts, as a fresh array. */
export function checkTexts(texts: unknown): string[] {
  const list = typeof texts === 'string' ? [texts] : texts;
  if (!Array.isArray(list) || list.length === 0) throw new DiffusionError('invalid-prompt', 'CLIP needs a text or a non-empty list of texts.');
  const bad = list.findIndex((t) => typeof t !== 'string');
  if (bad >= 0) throw new DiffusionError('invalid-prompt', `Text ${bad} is not a string.`, { details: { index: bad } });
  return [...list] as string[];
}

/** One image or a non-empty list of images (each is checked when converted). */
export function checkImages<T>(images: T | readonly T[]): T[] {
  const list = Array.isArray(images) ? images : [images];
  if (list.length === 0) throw new DiffusionError('invalid-image', 'CLIP needs an image or a non-empty list of images.');
  return [...list] as T[];
}

/** A non-empty list of string labels. */
export function checkLabels(labels: unknown): string[] {
  if (!Array.isArray(labels) || labels.length === 0) throw new DiffusionError('invalid-argument', 'classify() needs a non-empty list of labels.');
  if (labels.some((l) => typeof l !== 'string' || l.trim() === '')) throw new DiffusionError('invalid-argument', 'Every label must be a non-empty string.');
  return [...labels] as string[];
}

/** A template with a `{}` where the label goes; default `'{}'` (the label alone). */
export function checkTemplate(template: unknown): string {
  if (template === undefined) return '{}';
  if (typeof template !== 'string' || !template.includes('{}')) {
    throw new DiffusionError('invalid-argument', "template must be a string with '{}' where the label goes, e.g. 'a photo of a {}'.", { details: { template } });
  }
  return template;
}

/** The rows of a flat embedding buffer, as views. */
export function rows(embeddings: ClipEmbeddings): Float32Array[] {
  const count = embeddings.data.length / embeddings.dim;
  return Array.from({ length: count }, (_, r) => embeddings.data.subarray(r * embeddings.dim, (r + 1) * embeddings.dim));
}

/** Cosines `[a][b]` of two sets of L2-normalised rows (dot products). */
export function cosineMatrix(a: ClipEmbeddings, b: ClipEmbeddings): number[][] {
  const bRows = rows(b);
  return rows(a).map((x) => bRows.map((y) => {
    let sum = 0;
    for (let k = 0; k < x.length; k += 1) sum += x[k] * y[k];
    return sum;
  }));
}

/** A numerically stable softmax. */
export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / sum);
}
