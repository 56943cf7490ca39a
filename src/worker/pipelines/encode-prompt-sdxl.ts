/**
 * SDXL prompt encoding, as diffusers' `StableDiffusionXLPipeline.encode_prompt`: each prompt through both text
 * encoders, each with its own tokenizer (tokenizer_2 pads with 0); the penultimate hidden state of each,
 * concatenated per token (768 + 1280 = 2048 wide in SDXL); text_encoder_2's pooled projection as `text_embeds`.
 * Under guidance the negative branch comes first, and an empty negative prompt is all zeros (no encoder run)
 * when the model says `force_zeros_for_empty_prompt`. Both branches get the same `time_ids`.
 */
import type { LoadedModel, Network, SdxlModel } from '../models/load-model.ts';
import type { SdxlTextContract } from '../models/sdxl-contract.ts';
import { DiffusionError } from '../protocol/errors.ts';
import type { ValidRequest } from '../protocol/validate.ts';
import { floatData, runSession } from '../runtime/ort.ts';
import { sdxlTimeIds } from '../tensor/time-ids.ts';
import type { PromptEmbeddings } from './encode-prompt.ts';
import { floatTensor, hasNonFinite, idsTensor } from './feeds.ts';

/** One encoder's outputs per prompt: the penultimate hidden state and, where it has one, the pooled embedding. */
interface Encoded { readonly hidden: Float32Array; readonly pooled?: Float32Array }

function checked(values: Float32Array, label: string): Float32Array {
  if (hasNonFinite(values)) throw new DiffusionError('nan-output', `The ${label} produced NaN or infinite values.`);
  return values;
}

/** Runs one encoder on token rows, batched when its batch dimension allows. */
async function runEncoder(network: Network<SdxlTextContract>, rows: Int32Array[], label: string): Promise<Encoded[]> {
  const { session, contract } = network;
  const run = async (ids: Int32Array, batch: number): Promise<Encoded[]> => {
    const outputs = await runSession(session, { [contract.inputIds.name]: idsTensor(ids, contract.inputIds.type, batch) }, label);
    const hidden = checked(floatData(outputs[contract.penultimate.name]), label);
    const pooled = contract.pooled && checked(floatData(outputs[contract.pooled.name]), label);
    const [h, p] = [hidden.length / batch, (pooled?.length ?? 0) / batch];
    return Array.from({ length: batch }, (_, i) => ({ hidden: hidden.subarray(i * h, (i + 1) * h), pooled: pooled?.subarray(i * p, (i + 1) * p) }));
  };
  if (rows.length > 1 && contract.batchable) {
    const joined = new Int32Array(rows.reduce((n, r) => n + r.length, 0));
    rows.forEach((row, i) => joined.set(row, i * row.length));
    return run(joined, rows.length);
  }
  const result: Encoded[] = [];
  for (const row of rows) result.push(...(await run(row, 1)));
  return result;
}

/** [tokens, a] and [tokens, b] side by side: [tokens, a + b], as torch.concat(..., dim=-1). */
export function concatPerToken(a: Float32Array, b: Float32Array, tokens: number): Float32Array {
  const [wa, wb] = [a.length / tokens, b.length / tokens];
  const out = new Float32Array(a.length + b.length);
  for (let t = 0; t < tokens; t += 1) {
    out.set(a.subarray(t * wa, (t + 1) * wa), t * (wa + wb));
    out.set(b.subarray(t * wb, (t + 1) * wb), t * (wa + wb) + wa);
  }
  return out;
}

/** The prompts of each branch for both encoders ([negative, prompt] under guidance), as diffusers pairs them. */
function branches(request: ValidRequest, guided: boolean, zeroNegative: boolean): { first: string[]; second: string[] } {
  // diffusers: `prompt_2 = prompt_2 or prompt`, `negative_prompt_2 = negative_prompt_2 or negative_prompt`.
  const first = [request.prompt];
  const second = [request.prompt2 || request.prompt];
  if (guided && !zeroNegative) {
    first.unshift(request.negativePrompt);
    second.unshift(request.negativePrompt2 || request.negativePrompt);
  }
  return { first, second };
}

/** Encodes the prompts for an SDXL U-Net: hidden states, `text_embeds` and `time_ids`, per branch and batched. */
export async function encodeSdxlPrompt(model: LoadedModel, sdxl: SdxlModel, request: ValidRequest, guided: boolean): Promise<PromptEmbeddings> {
  const zeroNegative = guided && sdxl.forceZerosForEmptyPrompt && !request.negativePrompt && !request.negativePrompt2;
  const { first, second } = branches(request, guided, zeroNegative);
  const [one, two] = sdxl.encoders;
  const tokenize = (texts: string[], tokenizer: typeof model.tokenizer, padTokenId: number, length: number) =>
    texts.map((t) => tokenizer.encodeForModel(t, { padTokenId, length }));
  const a = await runEncoder(one, tokenize(first, model.tokenizer, model.padTokenId, one.contract.inputIds.length), 'text encoder');
  const b = await runEncoder(two, tokenize(second, sdxl.tokenizer2, sdxl.padTokenId2, two.contract.inputIds.length), 'text encoder 2');
  const tokens = one.contract.inputIds.length;
  const hidden = a.map((row, i) => concatPerToken(row.hidden, b[i]!.hidden, tokens));
  const pooled = b.map((row) => row.pooled!);
  if (zeroNegative) {
    hidden.unshift(new Float32Array(hidden[0]!.length));
    pooled.unshift(new Float32Array(pooled[0]!.length));
  }
  return embeddings(model, hidden, pooled, sdxlTimeIds(request), tokens, guided);
}

/** The tensors in the U-Net's types: one per branch, and batch 2 where the U-Net takes it. */
function embeddings(model: LoadedModel, hidden: Float32Array[], pooled: Float32Array[], timeIds: Float32Array, tokens: number, guided: boolean): PromptEmbeddings {
  const { contract } = model.unet;
  const added = contract.added!;
  const width = hidden[0]!.length / tokens;
  const feeds = (rows: Float32Array[]) => ({
    [added.textEmbeds.name]: floatTensor(join(rows), [rows.length, rows[0]!.length], added.textEmbeds.type),
    [added.timeIds.name]: floatTensor(join(rows.map(() => timeIds)), [rows.length, timeIds.length], added.timeIds.type),
  });
  const single = hidden.map((h) => floatTensor(h, [1, tokens, width], contract.hidden.type));
  const perBranch = pooled.map((p) => feeds([p]));
  if (!guided || !contract.batchable) return { single, guided, added: { single: perBranch } };
  const batched = floatTensor(join(hidden), [2, tokens, width], contract.hidden.type);
  return { single, guided, batched, added: { single: perBranch, batched: feeds(pooled) } };
}

function join(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let offset = 0;
  for (const row of rows) { out.set(row, offset); offset += row.length; }
  return out;
}
