/**
 * What a CLIP session must declare, read from the session (names, dtypes, ranks), never assumed: the
 * combined export (`input_ids`, `pixel_values`, `attention_mask` -> `text_embeds`, `image_embeds`,
 * `logits_per_image`) and the split one (text: `input_ids` [+ `attention_mask`] -> `text_embeds`;
 * vision: `pixel_values` -> `image_embeds`).
 */
import { DiffusionError } from '../protocol/errors.ts';
import { inputsOf, outputsOf, type Session, type ValueInfo } from '../runtime/ort.ts';

/** The parts of a CLIP session the embedding code feeds and reads. */
export interface ClipContract {
  readonly ids?: { readonly type: 'int32' | 'int64' };
  readonly attentionMask?: { readonly type: 'int32' | 'int64' };
  readonly pixels?: { readonly type: 'float32' | 'float16'; readonly height?: number; readonly width?: number };
  readonly textEmbeds?: string;
  readonly imageEmbeds?: string;
  readonly logitsPerImage?: string;
  /** The embedding width, where the session states it. */
  readonly projectionDim?: number;
}

function fail(label: string, message: string, values: ValueInfo[]): never {
  throw new DiffusionError('model-contract', `The ${label} ${message}`, { details: { model: label, declared: values.map((v) => `${v.name}: ${v.type}[${v.shape.join(', ')}]`) } });
}

function intType(info: ValueInfo, label: string, all: ValueInfo[]): 'int32' | 'int64' {
  if (info.type !== 'int32' && info.type !== 'int64') fail(label, `declares ${info.name} as ${info.type}; CLIP exports use int32 or int64.`, all);
  return info.type;
}

/** Reads and checks a CLIP session's contract; `needs` says which towers it must have. */
export function clipContract(session: Session, label: string, needs: { text: boolean; vision: boolean }): ClipContract {
  const inputs = inputsOf(session);
  const outputs = outputsOf(session);
  const all = [...inputs, ...outputs];
  const input = (name: string) => inputs.find((v) => v.name === name);
  const output = (name: string) => outputs.find((v) => v.name === name)?.name;
  const ids = input('input_ids');
  const mask = input('attention_mask');
  const pixels = input('pixel_values');
  const textEmbeds = output('text_embeds');
  const imageEmbeds = output('image_embeds');
  if (needs.text && (!ids || !textEmbeds)) fail(label, 'lacks the text tower: it needs an input_ids input and a text_embeds output.', all);
  if (needs.vision && (!pixels || !imageEmbeds)) fail(label, 'lacks the vision tower: it needs a pixel_values input and an image_embeds output.', all);
  if (pixels && pixels.type !== 'float32' && pixels.type !== 'float16') fail(label, `declares pixel_values as ${pixels.type}.`, all);
  if (pixels && pixels.shape.length !== 4) fail(label, `declares pixel_values with rank ${pixels.shape.length}; CLIP takes [batch, 3, height, width].`, all);
  const fixed = (d: number | string | undefined) => (typeof d === 'number' ? d : undefined);
  const embedShape = outputs.find((v) => v.name === (textEmbeds ?? imageEmbeds))?.shape;
  return {
    ids: ids && needs.text ? { type: intType(ids, label, all) } : undefined,
    attentionMask: mask && needs.text ? { type: intType(mask, label, all) } : undefined,
    pixels: pixels && needs.vision ? { type: pixels.type as 'float32' | 'float16', height: fixed(pixels.shape[2]), width: fixed(pixels.shape[3]) } : undefined,
    textEmbeds: needs.text ? textEmbeds : undefined,
    imageEmbeds: needs.vision ? imageEmbeds : undefined,
    logitsPerImage: output('logits_per_image'),
    projectionDim: fixed(embedShape?.[1]),
  };
}
