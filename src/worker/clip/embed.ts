/**
 * Text and image embeddings from a loaded CLIP: tokenise or preprocess, run the tower in chunks of up to
 * CHUNK rows (a cancel is honoured between chunks), project, L2-normalise. A combined export computes both
 * towers on every run, so it is fed a one-row stand-in for the side not asked for.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { ClipEmbeddings, ClipProgress } from '../protocol/clip-types.ts';
import { floatData, makeTensor, runSession, type OrtTensor } from '../runtime/ort.ts';
import { toFloat16Bits } from '../tensor/float16.ts';
import type { ClipNetwork, LoadedClip } from './load-clip.ts';
import { pixelValues } from './preprocess.ts';

/** Rows per session run: batch 8 is where CLIP on WASM stops gaining from batching on small machines. */
export const CHUNK = 8;
/** CLIP's context length: start token, 75 tokens, end token. */
export const CONTEXT = 77;

/** What an embedding run gets from the worker API. */
export interface EmbedContext {
  checkpoint(): Promise<void>;
  progress(progress: ClipProgress): void;
}

function intTensor(type: 'int32' | 'int64', values: Int32Array, dims: number[]): OrtTensor {
  return type === 'int64' ? makeTensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims) : makeTensor('int32', values, dims);
}

/** input_ids and attention_mask for `rows` (pad = end token, as the HF CLIP tokenizer pads; mask 1 through the end token). */
function textFeeds(clip: LoadedClip, network: ClipNetwork, rows: Int32Array[]): Record<string, OrtTensor> {
  const ids = new Int32Array(rows.length * CONTEXT);
  const mask = new Int32Array(rows.length * CONTEXT);
  rows.forEach((row, r) => {
    ids.set(row, r * CONTEXT);
    const end = row.indexOf(clip.tokenizer.endTokenId);
    mask.fill(1, r * CONTEXT, r * CONTEXT + end + 1);
  });
  const { ids: idsInfo, attentionMask } = network.contract;
  const feeds: Record<string, OrtTensor> = { input_ids: intTensor(idsInfo!.type, ids, [rows.length, CONTEXT]) };
  if (attentionMask) feeds.attention_mask = intTensor(attentionMask.type, mask, [rows.length, CONTEXT]);
  return feeds;
}

function pixelFeeds(clip: LoadedClip, network: ClipNetwork, images: readonly ImageData[]): Record<string, OrtTensor> {
  const { cropHeight: h, cropWidth: w } = clip.image;
  const data = new Float32Array(images.length * 3 * h * w);
  images.forEach((image, i) => data.set(pixelValues(image, clip.image).data, i * 3 * h * w));
  const type = network.contract.pixels!.type;
  return { pixel_values: type === 'float16' ? makeTensor('float16', toFloat16Bits(data), [images.length, 3, h, w]) : makeTensor('float32', data, [images.length, 3, h, w]) };
}

/** The stand-in inputs a combined export needs for the tower not asked for. */
function standIns(clip: LoadedClip, network: ClipNetwork, want: 'text' | 'image'): Record<string, OrtTensor> {
  if (clip.layout !== 'combined') return {};
  if (want === 'text') return pixelFeeds(clip, network, [new ImageData(clip.image.cropWidth, clip.image.cropHeight)]);
  return textFeeds(clip, network, [clip.tokenizer.encodeForModel('', { padTokenId: clip.tokenizer.endTokenId })]);
}

/** Normalises each row of `data` in place (an all-zero row stays zero rather than becoming NaN). */
export function normalizeRows(data: Float32Array, dim: number): Float32Array {
  for (let start = 0; start < data.length; start += dim) {
    let sum = 0;
    for (let k = 0; k < dim; k += 1) sum += data[start + k] ** 2;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let k = 0; k < dim; k += 1) data[start + k] *= scale;
  }
  return data;
}

async function runChunks<T>(items: readonly T[], kind: 'text' | 'image', context: EmbedContext, run: (chunk: readonly T[]) => Promise<Float32Array>) {
  const parts: Float32Array[] = [];
  for (let done = 0; done < items.length; done += CHUNK) {
    await context.checkpoint();
    const chunk = items.slice(done, done + CHUNK);
    parts.push(await run(chunk));
    context.progress({ phase: 'embed', kind, done: done + chunk.length, total: items.length });
  }
  const dim = parts[0].length / Math.min(CHUNK, items.length);
  const data = new Float32Array(items.length * dim);
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return { data: normalizeRows(data, dim), dim };
}

/** L2-normalised text embeddings; `truncated` flags texts over 75 tokens, cut to 77 with the end token kept. */
export async function embedTexts(clip: LoadedClip, texts: readonly string[], context: EmbedContext): Promise<ClipEmbeddings> {
  const network = clip.text;
  if (!network) throw new DiffusionError('invalid-model', `The CLIP model '${clip.manifest.id}' has no text tower (no textModel).`);
  const truncated = texts.map((text) => clip.tokenizer.encode(text).length > CONTEXT - 2);
  const rows = texts.map((text) => clip.tokenizer.encodeForModel(text, { padTokenId: clip.tokenizer.endTokenId }));
  const { data, dim } = await runChunks(rows, 'text', context, async (chunk) => {
    const out = await runSession(network.session, { ...textFeeds(clip, network, [...chunk]), ...standIns(clip, network, 'text') }, 'CLIP text model');
    return Float32Array.from(floatData(out[network.contract.textEmbeds!]));
  });
  return { data, dim, truncated };
}

/** L2-normalised image embeddings, each image preprocessed as CLIPImageProcessor does. */
export async function embedImages(clip: LoadedClip, images: readonly ImageData[], context: EmbedContext): Promise<ClipEmbeddings> {
  const network = clip.vision;
  if (!network) throw new DiffusionError('invalid-model', `The CLIP model '${clip.manifest.id}' has no vision tower (no visionModel), so it cannot embed images.`);
  const { data, dim } = await runChunks(images, 'image', context, async (chunk) => {
    const out = await runSession(network.session, { ...pixelFeeds(clip, network, chunk), ...standIns(clip, network, 'image') }, 'CLIP vision model');
    // A combined export's image_embeds has a row per image; the text stand-in adds none.
    return Float32Array.from(floatData(out[network.contract.imageEmbeds!]));
  });
  return { data, dim, truncated: [] };
}

/**
 * The trained logit scale. A combined export applies it in `logits_per_image`, so one run of a fixed image and
 * text gives it as logits / cosine; split exports drop it, so the manifest's value (default 100) is used.
 */
export async function findLogitScale(clip: LoadedClip): Promise<number> {
  const fallback = clip.manifest.logitScale ?? 100;
  const network = clip.text;
  if (clip.layout !== 'combined' || !network?.contract.logitsPerImage) return fallback;
  const image = new ImageData(clip.image.cropWidth, clip.image.cropHeight);
  for (let i = 0; i < image.data.length; i += 1) image.data[i] = (i * 37) % 256;
  const feeds = { ...textFeeds(clip, network, [clip.tokenizer.encodeForModel('a photo', { padTokenId: clip.tokenizer.endTokenId })]), ...pixelFeeds(clip, network, [image]) };
  const out = await runSession(network.session, feeds, 'CLIP model');
  const text = normalizeRows(Float32Array.from(floatData(out[network.contract.textEmbeds!])), floatData(out[network.contract.textEmbeds!]).length);
  const vision = normalizeRows(Float32Array.from(floatData(out[network.contract.imageEmbeds!])), text.length);
  const cosine = text.reduce((sum, v, k) => sum + v * vision[k], 0);
  const logit = floatData(out[network.contract.logitsPerImage])[0];
  return Math.abs(cosine) > 1e-3 && Number.isFinite(logit / cosine) && logit / cosine > 0 ? logit / cosine : fallback;
}
