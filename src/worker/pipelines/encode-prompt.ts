/**
 * Tokenizes and encodes the prompt (and, for classifier-free guidance, the negative prompt) into the
 * U-Net's `encoder_hidden_states`, ready-made as one tensor that every denoising step reuses.
 */
import type { LoadedModel } from '../models/load-model.ts';
import { floatData, runSession, type OrtTensor } from '../runtime/ort.ts';
import { floatTensor, hasNonFinite, idsTensor } from './feeds.ts';
import { DiffusionError } from '../protocol/errors.ts';

/** U-Net inputs by name. */
export type Feeds = Readonly<Record<string, OrtTensor>>;

/** The text conditioning for the U-Net: batch 2 ([negative, prompt]) under guidance, else batch 1. */
export interface PromptEmbeddings {
  /** [batch, 77, dim] in the U-Net's float type; batch 2 only when the U-Net takes batch 2. */
  readonly batched?: OrtTensor;
  /** One tensor per guidance branch when the U-Net's batch is fixed at 1 ([negative, prompt], or [prompt]). */
  readonly single: readonly OrtTensor[];
  readonly guided: boolean;
  /** SDXL's `text_embeds` and `time_ids`, batched and per branch like the hidden states. */
  readonly added?: { readonly batched?: Feeds; readonly single: readonly Feeds[] };
}

async function encodeOne(model: LoadedModel, ids: Int32Array, batch: number): Promise<Float32Array> {
  const { session, contract } = model.textEncoder;
  const outputs = await runSession(session, { [contract.inputIds.name]: idsTensor(ids, contract.inputIds.type, batch) }, 'text encoder');
  const hidden = floatData(outputs[contract.hidden.name]);
  if (hasNonFinite(hidden)) throw new DiffusionError('nan-output', 'The text encoder produced NaN or infinite values.');
  return hidden;
}

/** Runs the text encoder once per prompt, or batched when it accepts batch 2. */
async function encodeAll(model: LoadedModel, prompts: string[]): Promise<Float32Array[]> {
  const { contract } = model.textEncoder;
  const length = contract.inputIds.length;
  const ids = prompts.map((p) => model.tokenizer.encodeForModel(p, { padTokenId: model.padTokenId, length }));
  if (prompts.length > 1 && contract.batchable) {
    const joined = new Int32Array(length * prompts.length);
    ids.forEach((row, i) => joined.set(row, i * length));
    const hidden = await encodeOne(model, joined, prompts.length);
    const size = hidden.length / prompts.length;
    return prompts.map((_, i) => hidden.subarray(i * size, (i + 1) * size));
  }
  const result: Float32Array[] = [];
  for (const row of ids) result.push(await encodeOne(model, row, 1));
  return result;
}

/**
 * Encodes the prompts; guidance (scale > 1) adds the negative prompt as the unconditional branch, first. An LCM
 * U-Net with `timestep_cond` takes the scale as an embedding instead, so it never gets an unconditional branch.
 */
export async function encodePrompt(model: LoadedModel, prompt: string, negativePrompt: string, guidanceScale: number): Promise<PromptEmbeddings> {
  const guided = guidanceScale > 1 && !model.unet.contract.timestepCond;
  const hidden = await encodeAll(model, guided ? [negativePrompt, prompt] : [prompt]);
  const { contract } = model.unet;
  const size = hidden[0].length;
  const dims = [1, model.textEncoder.contract.inputIds.length, size / model.textEncoder.contract.inputIds.length];
  const single = hidden.map((h) => floatTensor(h, dims, contract.hidden.type));
  if (!guided || !contract.batchable) return { single, guided };
  const joined = new Float32Array(size * 2);
  joined.set(hidden[0], 0);
  joined.set(hidden[1], size);
  return { single, guided, batched: floatTensor(joined, [2, dims[1], dims[2]], contract.hidden.type) };
}
