/**
 * Reads what each network expects from its ONNX session: tensor names, element types, ranks and whether the
 * batch dimension can hold 2 (for batched classifier-free guidance). Never hard-coded: the export families
 * disagree on dtypes, ranks and dimension names (docs/model-contracts.md).
 */
import { DiffusionError } from '../protocol/errors.ts';
import { inputsOf, outputsOf, type Session, type TensorType, type ValueInfo } from '../runtime/ort.ts';

/** A float input or output, and whether it is float16. */
export interface FloatValue { readonly name: string; readonly type: 'float32' | 'float16' }

/** The text encoder's contract. */
export interface TextEncoderContract {
  readonly inputIds: { readonly name: string; readonly type: 'int32' | 'int64'; readonly length: number };
  readonly hidden: FloatValue;
  readonly batchable: boolean;
}

/** The U-Net's contract. */
export interface UnetContract {
  readonly sample: FloatValue;
  readonly channels: number;
  readonly timestep: { readonly name: string; readonly type: TensorType; readonly rank: number; readonly perBatch: boolean };
  readonly hidden: FloatValue;
  readonly output: FloatValue;
  readonly batchable: boolean;
  /**
   * LCM U-Nets distilled with guidance (time_cond_proj_dim set) take `timestep_cond`: the guidance-scale
   * embedding of `dim` values. Such a model does its guidance itself, so there is no unconditional pass.
   */
  readonly timestepCond?: FloatValue & { readonly dim: number };
  /** Latent [height, width] when the export fixed them (static-shape exports run at one size only). */
  readonly fixedLatentSize?: readonly [number, number];
  /** SDXL's added conditioning: the pooled text embedding and the six micro-conditioning `time_ids` per image. */
  readonly added?: { readonly textEmbeds: FloatValue; readonly timeIds: FloatValue };
}

/** A VAE half's contract: one image-like input and output. */
export interface VaeContract {
  readonly input: FloatValue;
  readonly output: FloatValue;
  /** The encoder returns mean + logvar (8 channels) rather than a sampled latent. */
  readonly returnsParameters: boolean;
}

function find(values: ValueInfo[], name: string, label: string, kind: 'input' | 'output'): ValueInfo {
  const value = values.find((v) => v.name === name);
  if (!value) {
    const names = values.map((v) => v.name).join(', ') || 'none';
    throw new DiffusionError('model-contract', `The ${label} has no ${kind} '${name}' (its ${kind}s: ${names}).`, {
      details: { model: label, missing: name, [kind + 's']: values.map((v) => v.name) },
    });
  }
  return value;
}

function floatValue(value: ValueInfo, label: string): FloatValue {
  if (value.type !== 'float32' && value.type !== 'float16') {
    throw new DiffusionError('model-contract', `The ${label}'s '${value.name}' is ${value.type}; expected float32 or float16.`);
  }
  return { name: value.name, type: value.type };
}

/** A batch dimension can hold 2 when it is symbolic or at least 2. */
function batchable(value: ValueInfo): boolean {
  const batch = value.shape[0];
  return batch === undefined || typeof batch === 'string' || batch < 0 || batch >= 2;
}

/** Reads the text encoder's contract from its session. */
export function textEncoderContract(session: Session): TextEncoderContract {
  const ids = find(inputsOf(session), 'input_ids', 'text encoder', 'input');
  if (ids.type !== 'int32' && ids.type !== 'int64') {
    throw new DiffusionError('model-contract', `The text encoder's input_ids is ${ids.type}; expected int32 or int64.`);
  }
  const outputs = outputsOf(session);
  const hidden = outputs.find((o) => o.name === 'last_hidden_state') ?? outputs[0];
  if (!hidden) throw new DiffusionError('model-contract', 'The text encoder has no outputs.');
  const length = typeof ids.shape[1] === 'number' && ids.shape[1] > 0 ? ids.shape[1] : 77;
  return { inputIds: { name: ids.name, type: ids.type, length }, hidden: floatValue(hidden, 'text encoder'), batchable: batchable(ids) };
}

/** Reads the U-Net's contract from its session; `channelsHint` decides a symbolic channel count. */
export function unetContract(session: Session, channelsHint = 4): UnetContract {
  const inputs = inputsOf(session);
  const sample = find(inputs, 'sample', 'U-Net', 'input');
  const timestep = find(inputs, 'timestep', 'U-Net', 'input');
  const hidden = find(inputs, 'encoder_hidden_states', 'U-Net', 'input');
  const outputs = outputsOf(session);
  const output = outputs.find((o) => o.name === 'out_sample') ?? outputs[0];
  if (!output) throw new DiffusionError('model-contract', 'The U-Net has no outputs.');
  const channels = typeof sample.shape[1] === 'number' && sample.shape[1] > 0 ? sample.shape[1] : channelsHint;
  if (channels !== 4 && channels !== 9) {
    throw new DiffusionError('model-contract', `The U-Net takes ${channels} channels; web-diffusion supports 4 (text-to-image) and 9 (inpainting).`);
  }
  if (!['float32', 'float16', 'int32', 'int64'].includes(timestep.type)) {
    throw new DiffusionError('model-contract', `The U-Net's timestep is ${timestep.type}; expected int64, int32, float32 or float16.`);
  }
  const perBatch = timestep.shape.length === 1 && timestep.shape[0] !== 1;
  return {
    sample: floatValue(sample, 'U-Net'),
    channels,
    timestep: { name: timestep.name, type: timestep.type as TensorType, rank: timestep.shape.length, perBatch },
    hidden: floatValue(hidden, 'U-Net'),
    output: floatValue(output, 'U-Net'),
    batchable: batchable(sample) && batchable(hidden),
    fixedLatentSize: fixedSpatial(sample),
    timestepCond: timestepCondOf(inputs),
    added: addedConditioningOf(inputs),
  };
}

/** SDXL's `text_embeds` and `time_ids` inputs, when the U-Net has both (detectFamily refuses one alone). */
function addedConditioningOf(inputs: ValueInfo[]): UnetContract['added'] {
  const textEmbeds = inputs.find((i) => i.name === 'text_embeds');
  const timeIds = inputs.find((i) => i.name === 'time_ids');
  if (!textEmbeds || !timeIds) return undefined;
  return { textEmbeds: floatValue(textEmbeds, 'U-Net'), timeIds: floatValue(timeIds, 'U-Net') };
}

/** The optional `timestep_cond` input, whose width (time_cond_proj_dim) must be fixed in the export. */
function timestepCondOf(inputs: ValueInfo[]): UnetContract['timestepCond'] {
  const cond = inputs.find((i) => i.name === 'timestep_cond');
  if (!cond) return undefined;
  const dim = cond.shape[cond.shape.length - 1];
  if (typeof dim !== 'number' || dim <= 0) {
    throw new DiffusionError('model-contract', `The U-Net's timestep_cond has a symbolic width (${String(dim)}); its export must fix time_cond_proj_dim.`);
  }
  return { ...floatValue(cond, 'U-Net'), dim };
}

/** [h, w] when both spatial dimensions of an NCHW value are fixed numbers. */
function fixedSpatial(value: ValueInfo): readonly [number, number] | undefined {
  const [, , h, w] = value.shape;
  return typeof h === 'number' && h > 0 && typeof w === 'number' && w > 0 ? [h, w] : undefined;
}

/**
 * Checks a request's size against what the U-Net can run, before any GPU work: a static-shape export runs
 * at its one size only.
 */
export function checkSizeFor(contract: UnetContract, width: number, height: number): void {
  const fixed = contract.fixedLatentSize;
  if (!fixed || (fixed[0] * 8 === height && fixed[1] * 8 === width)) return;
  const [h, w] = [fixed[0] * 8, fixed[1] * 8];
  throw new DiffusionError('invalid-size', `This model was exported for ${w}x${h} images only; got ${width}x${height}.`, {
    details: { width, height, supportedWidth: w, supportedHeight: h },
  });
}

/**
 * Turns a U-Net run that failed on tensor shapes into `invalid-size` with a hint. A U-Net halves the latent
 * size in each down block and concatenates the skip connections on the way up, so a latent size that does
 * not halve evenly (an image size that is not a multiple of 8 << down blocks, 64 px for Stable Diffusion)
 * fails there rather than at validation.
 */
export function sizeErrorFrom(error: unknown, width: number, height: number): unknown {
  if (!(error instanceof DiffusionError) || error.code !== 'inference-failed') return error;
  if ((error.details as { model?: string } | undefined)?.model !== 'U-Net') return error;
  if (!/concat|dimension|shape|broadcast|mismatch/i.test(error.message)) return error;
  // A size the hint would name unchanged is not the problem: keep the U-Net's own message.
  if (roundTo64(width) === width && roundTo64(height) === height) return error;
  return new DiffusionError('invalid-size', `The U-Net cannot run at ${width}x${height}: its down and up blocks need sizes that halve evenly. Try multiples of 64 (for example ${roundTo64(width)}x${roundTo64(height)}).`, {
    cause: error, details: { width, height },
  });
}

function roundTo64(n: number): number {
  return Math.max(64, Math.round(n / 64) * 64);
}

/** Reads the VAE decoder's contract from its session. */
export function vaeDecoderContract(session: Session): VaeContract {
  const input = find(inputsOf(session), 'latent_sample', 'VAE decoder', 'input');
  const outputs = outputsOf(session);
  const output = outputs.find((o) => o.name === 'sample') ?? outputs[0];
  if (!output) throw new DiffusionError('model-contract', 'The VAE decoder has no outputs.');
  return { input: floatValue(input, 'VAE decoder'), output: floatValue(output, 'VAE decoder'), returnsParameters: false };
}

/** Reads the VAE encoder's contract from its session (`latent_parameters` or `latent_sample`). */
export function vaeEncoderContract(session: Session): VaeContract {
  const input = find(inputsOf(session), 'sample', 'VAE encoder', 'input');
  const outputs = outputsOf(session);
  const output = outputs.find((o) => o.name === 'latent_parameters') ?? outputs.find((o) => o.name === 'latent_sample') ?? outputs[0];
  if (!output) throw new DiffusionError('model-contract', 'The VAE encoder has no outputs.');
  const returnsParameters = output.name === 'latent_parameters' || output.shape[1] === 8;
  return { input: floatValue(input, 'VAE encoder'), output: floatValue(output, 'VAE encoder'), returnsParameters };
}
