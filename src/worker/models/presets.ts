/**
 * Named models that resolve to public repositories. Tests never download these; the demo lists them.
 * Sizes are what a visitor downloads once; fp16 presets need a WebGPU adapter with `shader-f16`.
 */
import type { ModelManifest } from '../protocol/types.ts';
import { folderLayout } from './folder-layout.ts';
import { shippedModel } from './shipped-models.ts';

const hub = (repo: string, path: string) => `https://huggingface.co/${repo}/resolve/main/${path}`;

/** SD-Turbo, fp16, int64 timestep: 1-4 steps, no guidance. ~2.5 GB; needs `shader-f16`. */
const sdTurbo: ModelManifest = {
  id: 'sd-turbo',
  revision: 'main',
  textEncoder: { url: hub('schmuell/sd-turbo-ort-web', 'text_encoder/model.onnx') },
  unet: { url: hub('schmuell/sd-turbo-ort-web', 'unet/model.onnx') },
  vaeDecoder: { url: hub('schmuell/sd-turbo-ort-web', 'vae_decoder/model.onnx') },
  vocab: { url: hub('stabilityai/sd-turbo', 'tokenizer/vocab.json') },
  merges: { url: hub('stabilityai/sd-turbo', 'tokenizer/merges.txt') },
  schedulerConfig: {
    _class_name: 'EulerDiscreteScheduler',
    num_train_timesteps: 1000,
    beta_start: 0.00085,
    beta_end: 0.012,
    beta_schedule: 'scaled_linear',
    prediction_type: 'epsilon',
    timestep_spacing: 'trailing',
    steps_offset: 1,
    interpolation_type: 'linear',
    use_karras_sigmas: false,
  },
  padTokenId: 0,
  scalingFactor: 0.18215,
  defaults: { steps: 1, guidanceScale: 0, width: 512, height: 512, scheduler: 'EulerDiscreteScheduler' },
};

/** Stable Diffusion 1.5, fp32 optimum export with external U-Net weights (3.44 GB). ~5.2 GB in all. */
const sd15: ModelManifest = {
  ...folderLayout(hub('onnx-community/stable-diffusion-v1-5-ONNX', '')),
  id: 'sd-1.5',
  revision: 'main',
  padTokenId: 49407,
  scalingFactor: 0.18215,
  defaults: { steps: 20, guidanceScale: 7.5, width: 512, height: 512 },
};

/** Stable Diffusion 2 inpainting, fp16, 9-channel U-Net. ~2.6 GB; needs `shader-f16`. */
const sd2Inpainting: ModelManifest = {
  ...folderLayout(hub('jdp8/sd-2-inpainting-ort-web-fp16', '')),
  id: 'sd-2-inpainting',
  revision: 'main',
  vocab: { url: hub('stabilityai/stable-diffusion-2-inpainting', 'tokenizer/vocab.json') },
  merges: { url: hub('stabilityai/stable-diffusion-2-inpainting', 'tokenizer/merges.txt') },
  schedulerConfig: { url: hub('stabilityai/stable-diffusion-2-inpainting', 'scheduler/scheduler_config.json') },
  padTokenId: 0,
  scalingFactor: 0.18215,
  unetChannels: 9,
  defaults: { steps: 25, guidanceScale: 7.5, width: 512, height: 512 },
};

/**
 * The shapes world (tools/train/): a small Stable Diffusion trained on 64x64 procedural pictures of flat shapes,
 * in SD 1.x's structure and contracts. It ships with the package (23 MB, fp32), so it works offline.
 * Guidance 3 by default: its U-Net follows the text strongly enough that 7.5 overshoots (src/models/README.md).
 */
const shapes: ModelManifest = {
  ...folderLayout(shippedModel('shapes')),
  id: 'shapes',
  revision: '2',
  defaults: { steps: 20, guidanceScale: 3, width: 64, height: 64 },
};

/** The shapes world's 9-channel inpainting U-Net, fine-tuned from shapes'; every other file is shapes'. */
const shapesInpainting: ModelManifest = {
  ...shapes,
  id: 'shapes-inpainting',
  unet: { url: new URL('unet/model.onnx', shippedModel('shapes-inpainting')).href },
  modelIndex: { url: new URL('model_index.json', shippedModel('shapes-inpainting')).href },
  unetChannels: 9,
};

/**
 * SDXL-Turbo, the WebNN developer preview's q4f16 export (Olive, int4 MatMulNBits weights, fp16 I/O, fp16-fix
 * VAE): ~2.5 GB in four single files (the U-Net 1.83 GB, under the 2 GB ArrayBuffer cap). 1-4 steps, no
 * guidance, 512x512; needs `shader-f16`. Tokenizers and scheduler are stabilityai/sdxl-turbo's.
 */
const sdxlTurbo: ModelManifest = {
  id: 'sdxl-turbo',
  revision: 'main',
  textEncoder: { url: hub('webnn/sdxl-turbo', 'onnx/text_encoder_model_q4f16.onnx') },
  textEncoder2: { url: hub('webnn/sdxl-turbo', 'onnx/text_encoder_2_model_q4f16.onnx') },
  unet: { url: hub('webnn/sdxl-turbo', 'onnx/unet_model_q4f16.onnx') },
  vaeDecoder: { url: hub('webnn/sdxl-turbo', 'onnx/vae_decoder_model_q4f16.onnx') },
  vocab: { url: hub('stabilityai/sdxl-turbo', 'tokenizer/vocab.json') },
  merges: { url: hub('stabilityai/sdxl-turbo', 'tokenizer/merges.txt') },
  vocab2: { url: hub('stabilityai/sdxl-turbo', 'tokenizer_2/vocab.json') },
  merges2: { url: hub('stabilityai/sdxl-turbo', 'tokenizer_2/merges.txt') },
  schedulerConfig: {
    _class_name: 'EulerAncestralDiscreteScheduler',
    num_train_timesteps: 1000,
    beta_start: 0.00085,
    beta_end: 0.012,
    beta_schedule: 'scaled_linear',
    prediction_type: 'epsilon',
    timestep_spacing: 'trailing',
    steps_offset: 1,
  },
  padTokenId: 49407,
  padTokenId2: 0,
  scalingFactor: 0.13025,
  forceZerosForEmptyPrompt: true,
  defaults: { steps: 1, guidanceScale: 0, width: 512, height: 512, scheduler: 'EulerAncestralDiscreteScheduler' },
};

/**
 * Stable Diffusion 2.1 (768 px, v-prediction), fp32 export with external U-Net weights (3.46 GB weights.pb),
 * ~5.2 GB in all. fp32 throughout, so no fp16 attention overflow (SD 2.1's black images in fp16). The scheduler
 * config is stabilityai/stable-diffusion-2-1's own, whose `prediction_type` is `v_prediction`.
 */
const sd21: ModelManifest = {
  ...folderLayout(hub('julienkay/stable-diffusion-2-1', '')),
  id: 'sd-2.1',
  revision: 'main',
  schedulerConfig: { url: hub('stabilityai/stable-diffusion-2-1', 'scheduler/scheduler_config.json') },
  padTokenId: 0,
  scalingFactor: 0.18215,
  defaults: { steps: 25, guidanceScale: 7.5, width: 768, height: 768 },
};

/**
 * LCM-Dreamshaper v7 (a latent consistency model distilled from Dreamshaper, an SD 1.5 fine-tune), fp16 export in
 * the diffusers-ONNX layout with external U-Net weights (1.64 GB): ~2.1 GB in all. Its U-Net takes `timestep_cond`
 * (guidance is embedded, not done by CFG), and its own scheduler folder names LCMScheduler. 4 steps, as diffusers'
 * LatentConsistencyModelPipeline defaults (guidance 8.5); needs `shader-f16`.
 */
const lcmDreamshaper: ModelManifest = {
  ...folderLayout(hub('aislamov/lcm-dreamshaper-v7-onnx', '')),
  id: 'lcm-dreamshaper-v7',
  revision: 'main',
  padTokenId: 49407,
  scalingFactor: 0.18215,
  defaults: { steps: 4, guidanceScale: 8.5, width: 512, height: 512 },
};

/** The presets by name, with what each needs from the browser. */
export const presets = {
  shapes: { manifest: shapes, downloadBytes: 9_700_000, needsShaderF16: false },
  'shapes-inpainting': { manifest: shapesInpainting, downloadBytes: 9_700_000, needsShaderF16: false },
  'sd-turbo': { manifest: sdTurbo, downloadBytes: 2_510_000_000, needsShaderF16: true },
  'sd-1.5': { manifest: sd15, downloadBytes: 5_200_000_000, needsShaderF16: false },
  'sd-2-inpainting': { manifest: sd2Inpainting, downloadBytes: 2_600_000_000, needsShaderF16: true },
  'sdxl-turbo': { manifest: sdxlTurbo, downloadBytes: 2_500_000_000, needsShaderF16: true },
  'sd-2.1': { manifest: sd21, downloadBytes: 5_200_000_000, needsShaderF16: false },
  'lcm-dreamshaper-v7': { manifest: lcmDreamshaper, downloadBytes: 2_100_000_000, needsShaderF16: true },
} as const satisfies Record<string, { manifest: ModelManifest; downloadBytes: number; needsShaderF16: boolean }>;

/** A preset's name. */
export type PresetName = keyof typeof presets;

/** True when `name` names a preset. */
export function isPresetName(name: string): name is PresetName {
  return Object.prototype.hasOwnProperty.call(presets, name);
}
