// The fixture generator (tools/make-fixtures.ts): deterministic bytes, a truthful manifest and stamp, and
// models that load in onnxruntime-web's WASM backend with exactly the contracts of the real export families,
// giving finite, varying outputs for batch 1 and 2 at 64x64 and 96x64 pixels.
import v8 from 'node:v8';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixturesUpToDate, generateFixtures, type FixtureManifest } from '../../tools/fixtures/generate.ts';
import { seededRandom } from '../../tools/fixtures/onnx-builder.ts';
import { VARIANTS, type VariantSpec } from '../../tools/fixtures/variants.ts';
import { fromFloat16Bits, toFloat16Bits } from '../../src/worker/tensor/float16.ts';

// Without this, V8 spends ~35 s optimising ORT's wasm on first load (docs/browser-testing.md).
v8.setFlagsFromString('--liftoff-only');
const ort = await import('onnxruntime-web');
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

type Session = Awaited<ReturnType<typeof ort.InferenceSession.create>>;
type Tensor = InstanceType<typeof ort.Tensor>;

/** The contract each variant must declare, written out independently of tools/fixtures/variants.ts. */
const EXPECTED: Record<string, { ids: string; float: string; timestep: { type: string; shape: (number | string)[] } | null; channels: number | string; encoder: [string, number]; cond?: number }> = {
  'optimum-fp32': { ids: 'int64', float: 'float32', timestep: { type: 'float32', shape: [] }, channels: 4, encoder: ['latent_parameters', 8] },
  'web-int64': { ids: 'int32', float: 'float32', timestep: { type: 'int64', shape: [1] }, channels: 'channels', encoder: ['latent_sample', 4] },
  'olive-fp16': { ids: 'int32', float: 'float16', timestep: { type: 'float16', shape: [1] }, channels: 'unet_sample_channels', encoder: ['latent_sample', 4] },
  'optimum-external': { ids: 'int32', float: 'float32', timestep: { type: 'float32', shape: ['steps'] }, channels: 'num_channels', encoder: ['latent_sample', 4] },
  'inpaint-9ch': { ids: 'int64', float: 'float32', timestep: { type: 'float32', shape: [] }, channels: 9, encoder: ['latent_parameters', 8] },
  'gaussian-denoiser': { ids: 'int64', float: 'float32', timestep: { type: 'float32', shape: [] }, channels: 4, encoder: ['latent_parameters', 8] },
  'lcm-cond': { ids: 'int64', float: 'float32', timestep: { type: 'float32', shape: [] }, channels: 4, encoder: ['latent_parameters', 8], cond: 32 },
  'inpaint-9ch-diffusers': { ids: 'int32', float: 'float32', timestep: { type: 'int64', shape: [1] }, channels: 'channels', encoder: ['latent_sample', 4] },
  'broken-no-timestep': { ids: 'int32', float: 'float32', timestep: null, channels: 'channels', encoder: ['latent_sample', 4] },
  'broken-nan': { ids: 'int32', float: 'float32', timestep: { type: 'int64', shape: [1] }, channels: 'channels', encoder: ['latent_sample', 4] },
};
/** [height, width] in pixels: square, and taller than wide. */
const SIZES = [[64, 64], [96, 64]] as const;

let out = '';
let second = '';
let manifest: FixtureManifest;
let seconds = 0;

before(() => {
  out = mkdtempSync(join(tmpdir(), 'wd-fixtures-a-'));
  second = mkdtempSync(join(tmpdir(), 'wd-fixtures-b-'));
  const started = performance.now();
  manifest = generateFixtures(out);
  seconds = (performance.now() - started) / 1000;
  generateFixtures(second);
});
after(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(second, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const random = seededRandom(7);
const noise = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);

function floatTensor(type: string, values: Float32Array, dims: readonly number[]): Tensor {
  return type === 'float16' ? new ort.Tensor('float16', toFloat16Bits(values), dims) : new ort.Tensor('float32', values, dims);
}

function floats(tensor: Tensor): Float32Array {
  const data = tensor.data as unknown;
  return data instanceof Uint16Array ? fromFloat16Bits(data) : (data as Float32Array);
}

function assertLively(values: Float32Array, label: string): void {
  assert.ok(values.every(Number.isFinite), `${label}: every value is finite`);
  assert.ok(values.some((v) => Math.abs(v - values[0]) > 1e-3), `${label}: values vary`);
}

function assertDiffers(a: Float32Array, b: Float32Array, label: string): void {
  assert.equal(a.length, b.length);
  const largest = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  assert.ok(largest > 1e-3, `${label}: output changes (largest difference ${largest})`);
}

async function open(spec: VariantSpec, model: string): Promise<Session> {
  const folder = join(out, spec.name, model);
  const externalData = spec.externalUnet && model === 'unet'
    ? [{ path: 'weights.pb', data: new Uint8Array(readFileSync(join(folder, 'weights.pb'))) }] : undefined;
  return ort.InferenceSession.create(new Uint8Array(readFileSync(join(folder, 'model.onnx'))), { executionProviders: ['wasm'], externalData });
}

function declared(session: Session, which: 'input' | 'output') {
  const names = which === 'input' ? session.inputNames : session.outputNames;
  const metadata = which === 'input' ? session.inputMetadata : session.outputMetadata;
  return Object.fromEntries(names.map((name, i) => {
    const meta = metadata[i] as { isTensor: boolean; type?: string; shape?: (number | string)[] };
    return [name, { type: meta.type, shape: meta.shape }];
  }));
}

describe('fixture generation', () => {
  it('is fast and gives the same bytes every run', () => {
    assert.ok(seconds < 10, `generation took ${seconds.toFixed(1)} s`);
    const again = JSON.parse(readFileSync(join(second, 'manifest.json'), 'utf8')) as FixtureManifest;
    assert.deepEqual(again, manifest);
  });

  it('lists every variant and file in the manifest with its true size and sha256', () => {
    assert.deepEqual(Object.keys(manifest.variants), VARIANTS.map((v) => v.name));
    for (const [name, variant] of Object.entries(manifest.variants)) {
      for (const [path, entry] of Object.entries(variant.files)) {
        const bytes = readFileSync(join(out, name, path));
        assert.equal(bytes.byteLength, entry.size, `${name}/${path} size`);
        assert.equal(sha256(bytes), entry.sha256, `${name}/${path} sha256`);
        if (path.endsWith('.onnx') || path.endsWith('.pb')) assert.ok(entry.size < 2e6, `${name}/${path} is ${entry.size} bytes`);
      }
      for (const path of ['text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx', 'vae_encoder/model.onnx',
        'tokenizer/vocab.json', 'tokenizer/merges.txt', 'tokenizer/special_tokens_map.json', 'tokenizer/tokenizer_config.json',
        'scheduler/scheduler_config.json', 'model_index.json']) assert.ok(variant.files[path], `${name} has ${path}`);
    }
  });

  it('stamps the output, and --check notices a stale or damaged folder', () => {
    assert.equal(fixturesUpToDate(out), true);
    const stamp = join(second, '.stamp');
    writeFileSync(stamp, 'old\n');
    assert.equal(fixturesUpToDate(second), false);
    generateFixtures(second);
    writeFileSync(join(second, 'web-int64', 'unet', 'model.onnx'), 'truncated');
    assert.equal(fixturesUpToDate(second), false);
  });

  it('writes the configs Python writes, -Infinity and pad tokens included', () => {
    const dpm = readFileSync(join(out, 'optimum-external', 'scheduler', 'scheduler_config.json'), 'utf8');
    assert.match(dpm, /"lambda_min_clipped": -Infinity,/);
    assert.match(dpm, /"_class_name": "DPMSolverMultistepScheduler"/);
    const json = (variant: string, path: string) => JSON.parse(readFileSync(join(out, variant, path), 'utf8'));
    assert.equal(json('optimum-fp32', 'scheduler/scheduler_config.json')._class_name, 'PNDMScheduler');
    assert.equal(json('optimum-fp32', 'scheduler/scheduler_config.json').skip_prk_steps, true);
    assert.equal(json('web-int64', 'scheduler/scheduler_config.json').timestep_spacing, 'trailing');
    assert.equal(json('optimum-fp32', 'tokenizer/special_tokens_map.json').pad_token, '<|endoftext|>');
    assert.equal(json('web-int64', 'tokenizer/special_tokens_map.json').pad_token, '!');
    assert.equal(json('web-int64', 'tokenizer/tokenizer_config.json').model_max_length, 77);
    assert.equal(json('optimum-fp32', 'vae_decoder/config.json').scaling_factor, 0.18215);
    assert.equal(json('web-int64', 'vae/config.json').scaling_factor, 0.18215);
  });

  it('stores the external U-Net weights at aligned offsets in unet/weights.pb', () => {
    const files = manifest.variants['optimum-external'].files;
    assert.ok(files['unet/weights.pb'].size > 10 * files['unet/model.onnx'].size);
    const model = readFileSync(join(out, 'optimum-external', 'unet', 'model.onnx')).toString('latin1');
    const offsets = [...model.matchAll(/offset\x12[\x00-\x7f](\d+)/g)].map((m) => Number(m[1]));
    assert.ok(offsets.length > 5, `${offsets.length} external tensors`);
    assert.ok(offsets.every((o) => o % 4096 === 0), 'offsets are multiples of 4096');
  });
});

/** 77 ids: start, a few words, end, then the variant's padding. */
function ids(spec: VariantSpec, words: readonly number[]): number[] {
  const pad = spec.pad === 'endoftext' ? 49407 : 0;
  const row = [49406, ...words, 49407];
  return [...row, ...new Array<number>(77 - row.length).fill(pad)];
}

function idsTensor(spec: VariantSpec, rows: number[][]): Tensor {
  const flat = rows.flat();
  const data = spec.inputIds === 'int64' ? BigInt64Array.from(flat, BigInt) : Int32Array.from(flat);
  return new ort.Tensor(spec.inputIds, data, [rows.length, 77]);
}

function timestepTensor(spec: VariantSpec, value: number, batch: number): Tensor {
  const { type, dims } = spec.timestep!;
  const shape = dims.length === 0 ? [] : dims[0] === 1 ? [1] : [batch];
  const count = shape.length ? shape[0] : 1;
  if (type === 'int64') return new ort.Tensor('int64', new BigInt64Array(count).fill(BigInt(value)), shape);
  return floatTensor(type, new Float32Array(count).fill(value), shape);
}

async function textEncoderChecks(spec: VariantSpec, session: Session): Promise<void> {
  const feeds = (rows: number[][]) => ({ input_ids: idsTensor(spec, rows) });
  const one = await session.run(feeds([ids(spec, [320, 1125, 539])]));
  const two = await session.run(feeds([ids(spec, [320, 1125, 539]), ids(spec, [3750, 530, 518, 2583])]));
  assert.deepEqual(two.last_hidden_state.dims, [2, 77, 32]);
  assert.deepEqual(two.pooler_output.dims, [2, 32]);
  const hidden = floats(two.last_hidden_state);
  const pooled = floats(two.pooler_output);
  assertLively(hidden, 'last_hidden_state');
  assertLively(pooled, 'pooler_output');
  assert.ok(floats(one.last_hidden_state).every((v, i) => Math.abs(v - hidden[i]) < 1e-2), 'batch row 0 equals batch 1');
  assertDiffers(hidden.subarray(0, 77 * 32), hidden.subarray(77 * 32), 'last_hidden_state across prompts');
  // CLIP pools at the end token: the first occurrence of the largest id (position 4 and 5 here).
  for (const [row, end] of [[0, 4], [1, 5]]) {
    const at = hidden.subarray((row * 77 + end) * 32, (row * 77 + end + 1) * 32);
    assert.ok(at.every((v, i) => Math.abs(v - pooled[row * 32 + i]) < 1e-2), `pooled at the end token (row ${row})`);
  }
}

async function unetChecks(spec: VariantSpec, session: Session): Promise<void> {
  const channels = spec.unetChannels;
  for (const [height, width] of SIZES) {
    for (const batch of [1, 2]) {
      const [h, w] = [height / 8, width / 8];
      const sample = noise(batch * channels * h * w);
      const text = noise(batch * 77 * 32);
      const cond = spec.timestepCond ? noise(batch * spec.timestepCond) : undefined;
      const run = async (s: Float32Array, t: number, e: Float32Array, c = cond) => {
        const feeds: Record<string, Tensor> = {
          sample: floatTensor(spec.float, s, [batch, channels, h, w]),
          encoder_hidden_states: floatTensor(spec.float, e, [batch, 77, 32]),
        };
        if (spec.timestep) feeds.timestep = timestepTensor(spec, t, batch);
        if (c) feeds.timestep_cond = floatTensor(spec.float, c, [batch, spec.timestepCond!]);
        const result = (await session.run(feeds)).out_sample;
        assert.deepEqual(result.dims, [batch, 4, h, w]);
        return floats(result);
      };
      const base = await run(sample, 999, text);
      const label = `out_sample ${batch}x${h}x${w}`;
      if (spec.nanOutput) {
        assert.ok(base.every(Number.isNaN), `${label}: all NaN`);
        continue;
      }
      assertLively(base, label);
      assertDiffers(base, await run(noise(sample.length), 999, text), `${label} vs sample`);
      if (spec.timestep) assertDiffers(base, await run(sample, 500, text), `${label} vs timestep`);
      // The closed-form Gaussian denoiser ignores the prompt by design (tools/fixtures/gaussian-unet.ts).
      if (spec.denoiser === 'gaussian') assert.deepEqual(await run(sample, 999, noise(text.length)), base, `${label} ignores the prompt`);
      else assertDiffers(base, await run(sample, 999, noise(text.length)), `${label} vs encoder_hidden_states`);
      if (cond) assertDiffers(base, await run(sample, 999, text, noise(cond.length)), `${label} vs timestep_cond`);
    }
  }
}

async function vaeChecks(spec: VariantSpec, decoder: Session, encoder: Session): Promise<void> {
  const [outputName, latentChannels] = EXPECTED[spec.name].encoder;
  for (const [height, width] of SIZES) {
    for (const batch of [1, 2]) {
      const [h, w] = [height / 8, width / 8];
      const latent = noise(batch * 4 * h * w, 4);
      const decode = async (l: Float32Array) => {
        const result = (await decoder.run({ latent_sample: floatTensor(spec.float, l, [batch, 4, h, w]) })).sample;
        assert.deepEqual(result.dims, [batch, 3, height, width]);
        return floats(result);
      };
      const image = await decode(latent);
      assertLively(image, `decoded ${batch}x${height}x${width}`);
      assert.ok(image.every((v) => v >= -1 && v <= 1), 'decoded pixels within [-1, 1]');
      assertDiffers(image, await decode(noise(latent.length, 4)), 'decoder vs latent');
      const encode = async (pixels: Float32Array) => {
        const result = (await encoder.run({ sample: floatTensor(spec.float, pixels, [batch, 3, height, width]) }))[outputName];
        assert.deepEqual(result.dims, [batch, latentChannels, h, w]);
        return floats(result);
      };
      const encoded = await encode(image);
      assertLively(encoded, `encoded ${batch}x${height}x${width}`);
      assertDiffers(encoded, await encode(noise(image.length)), 'encoder vs image');
      if (latentChannels === 8) {
        const logvar = encoded.filter((_, i) => Math.floor(i / (h * w)) % 8 >= 4);
        assert.ok(logvar.every((v) => v < -3 && v > -9), 'logvar stays small');
      }
    }
  }
}

for (const spec of VARIANTS) {
  describe(`fixture ${spec.name}`, () => {
    const expected = EXPECTED[spec.name];
    const sessions: Record<string, Session> = {};
    before(async () => {
      for (const model of ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']) sessions[model] = await open(spec, model);
    });
    after(async () => {
      for (const session of Object.values(sessions)) await session.release();
    });

    it('declares the names, dtypes and shapes of its export family', () => {
      const f = expected.float;
      const te = sessions.text_encoder;
      assert.deepEqual(te.inputNames, ['input_ids']);
      assert.deepEqual(te.outputNames, ['last_hidden_state', 'pooler_output']);
      assert.deepEqual(declared(te, 'input').input_ids, { type: expected.ids, shape: [...spec.dims.inputIds] });
      assert.equal(declared(te, 'output').last_hidden_state.type, f);
      const unet = declared(sessions.unet, 'input');
      const unetInputs = expected.timestep ? ['sample', 'timestep', 'encoder_hidden_states'] : ['sample', 'encoder_hidden_states'];
      assert.deepEqual(sessions.unet.inputNames, expected.cond ? [...unetInputs, 'timestep_cond'] : unetInputs);
      if (expected.cond) assert.deepEqual(unet.timestep_cond, { type: f, shape: ['batch_size', expected.cond] });
      assert.deepEqual(sessions.unet.outputNames, ['out_sample']);
      assert.deepEqual(unet.sample, { type: f, shape: [...spec.dims.unetSample] });
      assert.equal(unet.sample.shape![1], expected.channels);
      if (expected.timestep) assert.deepEqual(unet.timestep, expected.timestep);
      assert.deepEqual(unet.encoder_hidden_states, { type: f, shape: [...spec.dims.unetHidden] });
      assert.deepEqual(declared(sessions.unet, 'output').out_sample, { type: f, shape: [...spec.dims.unetOut] });
      assert.deepEqual(declared(sessions.vae_decoder, 'input').latent_sample, { type: f, shape: [...spec.dims.decoderIn] });
      assert.deepEqual(declared(sessions.vae_decoder, 'output').sample, { type: f, shape: [...spec.dims.decoderOut] });
      assert.deepEqual(declared(sessions.vae_encoder, 'input').sample, { type: f, shape: [...spec.dims.encoderIn] });
      assert.deepEqual(sessions.vae_encoder.outputNames, [expected.encoder[0]]);
      assert.equal(declared(sessions.vae_encoder, 'output')[expected.encoder[0]].shape![1], expected.encoder[1]);
    });

    it('text encoder: finite, varying, pooled at the end token', () => textEncoderChecks(spec, sessions.text_encoder));
    it('U-Net: batch 1 and 2 at 64x64 and 96x64, responds to every input', () => unetChecks(spec, sessions.unet));
    it('VAE: decoder within [-1, 1], encoder at 1/8 size', () => vaeChecks(spec, sessions.vae_decoder, sessions.vae_encoder));
  });
}
