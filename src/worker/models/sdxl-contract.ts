/**
 * What SDXL adds to the contracts of contract.ts, read from the sessions: which text-encoder output carries
 * the penultimate hidden state and which the pooled embedding, and whether a model is SD or SDXL at all
 * (decided from its U-Net's inputs, its second text encoder and model_index.json, never from its name).
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { ModelFamily } from '../protocol/types.ts';
import { outputsOf, type Session, type ValueInfo } from '../runtime/ort.ts';
import { textEncoderContract, type FloatValue, type TextEncoderContract } from './contract.ts';

/** An SDXL text encoder's contract. */
export interface SdxlTextContract {
  readonly inputIds: TextEncoderContract['inputIds'];
  /** hidden_states.{N-1}: the penultimate layer, which SDXL conditions on (`hidden_states[-2]` in diffusers). */
  readonly penultimate: FloatValue;
  /** `text_embeds` (the projected pooled output), else `pooler_output`; SDXL uses text_encoder_2's. */
  readonly pooled?: FloatValue;
  readonly batchable: boolean;
}

const floatOf = (value: ValueInfo, label: string): FloatValue => {
  if (value.type !== 'float32' && value.type !== 'float16') {
    throw new DiffusionError('model-contract', `The ${label}'s '${value.name}' is ${value.type}; expected float32 or float16.`);
  }
  return { name: value.name, type: value.type };
};

/**
 * The output holding the penultimate hidden state: with hidden_states.0..N (optimum's output_hidden_states
 * export) it is hidden_states.{N-1}; an export that kept a single hidden_states.N (as the WebNN SDXL-Turbo
 * export keeps only what SDXL reads) is taken to have kept that one.
 */
function penultimateOf(outputs: ValueInfo[], label: string): ValueInfo {
  const layers = outputs.flatMap((o) => { const m = /^hidden_states\.(\d+)$/.exec(o.name); return m ? [Number(m[1])] : []; });
  const names = outputs.map((o) => o.name).join(', ') || 'none';
  const found = layers.length === 1 ? layers[0] : Math.max(...layers) - 1;
  const value = outputs.find((o) => o.name === `hidden_states.${found}`);
  if (!layers.length || !value) {
    throw new DiffusionError('model-contract', `The ${label} has no penultimate hidden state (its outputs: ${names}); SDXL conditions on it. Export the encoder with output_hidden_states, as optimum does.`, {
      details: { model: label, outputs: outputs.map((o) => o.name) },
    });
  }
  return value;
}

/** Reads an SDXL text encoder's contract; `needsPooled` for text_encoder_2, whose pooled output SDXL uses. */
export function sdxlTextContract(session: Session, label: string, needsPooled: boolean): SdxlTextContract {
  const { inputIds, batchable } = textEncoderContract(session);
  const outputs = outputsOf(session);
  const pooled = outputs.find((o) => o.name === 'text_embeds') ?? outputs.find((o) => o.name === 'pooler_output');
  if (needsPooled && !pooled) {
    throw new DiffusionError('model-contract', `The ${label} has no 'text_embeds' or 'pooler_output' output (its outputs: ${outputs.map((o) => o.name).join(', ')}); SDXL's U-Net takes it as text_embeds.`);
  }
  return { inputIds, batchable, penultimate: floatOf(penultimateOf(outputs, label), label), pooled: pooled && floatOf(pooled, label) };
}

/** What the family is decided from. `unetInputs` is undefined before the U-Net's session exists. */
export interface FamilyEvidence {
  readonly pipelineClass: string;
  readonly hasTextEncoder2: boolean;
  readonly unetInputs?: readonly string[];
}

function cannotPlace(reason: string, evidence: FamilyEvidence): DiffusionError {
  const found = [
    `model_index.json class: ${evidence.pipelineClass || 'none'}`,
    `text_encoder_2: ${evidence.hasTextEncoder2 ? 'yes' : 'no'}`,
    ...(evidence.unetInputs ? [`U-Net inputs: ${evidence.unetInputs.join(', ')}`] : []),
  ];
  return new DiffusionError('model-contract', `${reason} Found: ${found.join('; ')}.`, {
    details: { pipelineClass: evidence.pipelineClass || undefined, textEncoder2: evidence.hasTextEncoder2, unetInputs: evidence.unetInputs },
  });
}

/**
 * SD or SDXL: an SDXL U-Net takes `text_embeds` and `time_ids` and needs text_encoder_2; an SD U-Net takes
 * neither. A model that is half one and half the other fails with `model-contract` listing what was found.
 */
export function detectFamily(evidence: FamilyEvidence): ModelFamily {
  const namesXl = /StableDiffusionXL/.test(evidence.pipelineClass);
  if (namesXl && !evidence.hasTextEncoder2) throw cannotPlace('model_index.json names an SDXL pipeline, but the model has no text_encoder_2.', evidence);
  if (!evidence.unetInputs) return namesXl ? 'sdxl' : 'sd';
  const added = ['text_embeds', 'time_ids'].filter((name) => evidence.unetInputs!.includes(name));
  if (added.length === 1) throw cannotPlace(`The U-Net takes ${added[0]} but not ${added[0] === 'time_ids' ? 'text_embeds' : 'time_ids'}: neither an SD nor an SDXL U-Net.`, evidence);
  if (added.length === 2 && !evidence.hasTextEncoder2) throw cannotPlace('The U-Net is SDXL\'s (text_embeds, time_ids), but the model has no text_encoder_2 (list it in model_index.json, or give the manifest textEncoder2).', evidence);
  if (added.length === 0 && (evidence.hasTextEncoder2 || namesXl)) throw cannotPlace('The model has SDXL\'s text_encoder_2, but its U-Net takes no text_embeds and time_ids.', evidence);
  return added.length === 2 ? 'sdxl' : 'sd';
}
