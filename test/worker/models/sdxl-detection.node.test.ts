// SD or SDXL is read from the model (its sessions and model_index.json), never from its name; a model that is
// neither fails with model-contract listing what it has. And which text-encoder output SDXL reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unetContract } from '../../../src/worker/models/contract.ts';
import { folderLayout, narrowToIndex } from '../../../src/worker/models/folder-layout.ts';
import { detectFamily, sdxlTextContract } from '../../../src/worker/models/sdxl-contract.ts';
import { DiffusionError } from '../../../src/worker/protocol/errors.ts';
import type { Session } from '../../../src/worker/runtime/ort.ts';

type Value = [name: string, type: string, shape: (number | string)[]];

/** Session metadata as onnxruntime-web reports it (only the fields the contracts read). */
function session(inputs: Value[], outputs: Value[]): Session {
  const meta = ([, type, shape]: Value) => ({ isTensor: true, type, shape });
  return {
    inputNames: inputs.map(([n]) => n), inputMetadata: inputs.map(meta),
    outputNames: outputs.map(([n]) => n), outputMetadata: outputs.map(meta),
  } as unknown as Session;
}

const SD_UNET = ['sample', 'timestep', 'encoder_hidden_states'];
const SDXL_UNET = [...SD_UNET, 'text_embeds', 'time_ids'];
const contractError = (pattern: RegExp) => (error: unknown) =>
  error instanceof DiffusionError && error.code === 'model-contract' && pattern.test(error.message);

describe('detectFamily', () => {
  it('an SD U-Net and one text encoder is SD; an SDXL U-Net and text_encoder_2 is SDXL, whatever the class says', () => {
    assert.equal(detectFamily({ pipelineClass: 'ORTStableDiffusionPipeline', hasTextEncoder2: false, unetInputs: SD_UNET }), 'sd');
    assert.equal(detectFamily({ pipelineClass: '', hasTextEncoder2: false, unetInputs: SD_UNET }), 'sd');
    assert.equal(detectFamily({ pipelineClass: 'ORTStableDiffusionXLPipeline', hasTextEncoder2: true, unetInputs: SDXL_UNET }), 'sdxl');
    // A folder named or indexed as something else still follows its sessions.
    assert.equal(detectFamily({ pipelineClass: 'OnnxStableDiffusionPipeline', hasTextEncoder2: true, unetInputs: SDXL_UNET }), 'sdxl');
  });

  it('an SDXL index without text_encoder_2 fails before the U-Net is loaded', () => {
    assert.throws(() => detectFamily({ pipelineClass: 'ORTStableDiffusionXLPipeline', hasTextEncoder2: false }), contractError(/no text_encoder_2.*Found: model_index.json class: ORTStableDiffusionXLPipeline; text_encoder_2: no\./));
  });

  it('a half-SDXL model fails with model-contract listing what it found', () => {
    assert.throws(() => detectFamily({ pipelineClass: '', hasTextEncoder2: true, unetInputs: [...SD_UNET, 'time_ids'] }), (error: unknown) => {
      assert.ok(contractError(/takes time_ids but not text_embeds.*U-Net inputs: sample, timestep, encoder_hidden_states, time_ids/)(error));
      assert.deepEqual((error as DiffusionError).details, { pipelineClass: undefined, textEncoder2: true, unetInputs: [...SD_UNET, 'time_ids'] });
      return true;
    });
    assert.throws(() => detectFamily({ pipelineClass: '', hasTextEncoder2: false, unetInputs: SDXL_UNET }), contractError(/SDXL's \(text_embeds, time_ids\), but the model has no text_encoder_2/));
    assert.throws(() => detectFamily({ pipelineClass: '', hasTextEncoder2: true, unetInputs: SD_UNET }), contractError(/text_encoder_2, but its U-Net takes no text_embeds/));
  });
});

describe('SDXL text encoder outputs', () => {
  const hidden = (n: number, width: number): Value[] => Array.from({ length: n + 1 }, (_, i) => [`hidden_states.${i}`, 'float32', ['batch_size', 77, width]]);
  const ids: Value[] = [['input_ids', 'int64', ['batch_size', 77]]];

  it("takes hidden_states.{N-1} of optimum's hidden_states.0..N, and text_embeds over pooler_output", () => {
    const one = sdxlTextContract(session(ids, [['last_hidden_state', 'float32', ['batch_size', 77, 768]], ['pooler_output', 'float32', ['batch_size', 768]], ...hidden(12, 768)]), 'text encoder', false);
    assert.equal(one.penultimate.name, 'hidden_states.11');
    assert.equal(one.pooled?.name, 'pooler_output');
    const two = sdxlTextContract(session(ids, [['text_embeds', 'float16', ['batch_size', 1280]], ['last_hidden_state', 'float16', ['batch_size', 77, 1280]], ...hidden(32, 1280)]), 'text encoder 2', true);
    assert.deepEqual([two.penultimate.name, two.pooled?.name, two.pooled?.type], ['hidden_states.31', 'text_embeds', 'float16']);
  });

  it('an export that kept one hidden state (as the WebNN SDXL-Turbo one) is taken at its word', () => {
    const kept = sdxlTextContract(session([['input_ids', 'int32', [1, 77]]], [['hidden_states.11', 'float16', [1, 77, 768]]]), 'text encoder', false);
    assert.equal(kept.penultimate.name, 'hidden_states.11');
  });

  it('no hidden states, or no pooled output on text_encoder_2, is model-contract naming the outputs', () => {
    assert.throws(() => sdxlTextContract(session(ids, [['last_hidden_state', 'float32', [1, 77, 768]], ['pooler_output', 'float32', [1, 768]]]), 'text encoder', false),
      contractError(/no penultimate hidden state \(its outputs: last_hidden_state, pooler_output\)/));
    assert.throws(() => sdxlTextContract(session(ids, hidden(2, 48)), 'text encoder 2', true), contractError(/no 'text_embeds' or 'pooler_output'/));
  });
});

describe('SDXL U-Net and folder layout', () => {
  it("reads text_embeds and time_ids from the U-Net's inputs with their dtypes", () => {
    const unet = session([
      ['sample', 'float16', ['b', 4, 'h', 'w']], ['timestep', 'float16', [1]], ['encoder_hidden_states', 'float16', ['b', 77, 2048]],
      ['text_embeds', 'float16', ['b', 1280]], ['time_ids', 'float16', ['b', 6]],
    ], [['out_sample', 'float16', ['b', 4, 'h', 'w']]]);
    assert.deepEqual(unetContract(unet).added, { textEmbeds: { name: 'text_embeds', type: 'float16' }, timeIds: { name: 'time_ids', type: 'float16' } });
    assert.equal(unetContract(session([['sample', 'float32', [1, 4, 8, 8]], ['timestep', 'int64', [1]], ['encoder_hidden_states', 'float32', [1, 77, 768]]], [['out_sample', 'float32', [1, 4, 8, 8]]])).added, undefined);
  });

  it("adds text_encoder_2 and tokenizer_2 only where model_index.json lists them", () => {
    const folder = folderLayout('https://example.org/sdxl/');
    const pair = ['transformers', 'CLIPTextModelWithProjection'];
    const xl = narrowToIndex(folder, { _class_name: 'ORTStableDiffusionXLPipeline', text_encoder_2: pair, tokenizer_2: ['transformers', 'CLIPTokenizer'], tokenizer: ['transformers', 'CLIPTokenizer'] });
    assert.equal(xl.textEncoder2?.url, 'https://example.org/sdxl/text_encoder_2/model.onnx');
    assert.equal(xl.vocab2?.url, 'https://example.org/sdxl/tokenizer_2/vocab.json');
    assert.equal(xl.specialTokensMap2?.url, 'https://example.org/sdxl/tokenizer_2/special_tokens_map.json');
    const sd = narrowToIndex(folder, { _class_name: 'ORTStableDiffusionPipeline', text_encoder: ['transformers', 'CLIPTextModel'] });
    assert.equal(sd.textEncoder2, undefined);
    assert.equal(sd.vocab2, undefined);
  });
});
