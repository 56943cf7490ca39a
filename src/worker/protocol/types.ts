/**
 * The types that cross the worker boundary. Everything here must survive structured clone (no functions,
 * no class instances but typed arrays and ImageData). Part of protocol/, the one folder of worker/ that the
 * SDK may import values from (decision 0007).
 */
import type { SchedulerConfig } from '../schedulers/scheduler.ts';

/** Where the model's files come from: a folder URL, a preset name, or an explicit manifest. */
export type ModelSource = string | ModelManifest;

/** Which execution provider runs the models. `auto` is WebGPU when an adapter exists, else WASM. */
export type Device = 'auto' | 'webgpu' | 'wasm';

/** One file of a model: where to fetch it and, optionally, what it must be. */
export interface FileRef {
  /** Absolute URL, or relative to the manifest's `baseUrl`. */
  readonly url: string;
  /** Expected size in bytes (checked on download). */
  readonly size?: number;
  /** Expected SHA-256 as lowercase hex (checked on download). */
  readonly sha256?: string;
}

/** An ONNX model file and the external-data files it references (by the names recorded inside it). */
export interface OnnxFileRef extends FileRef {
  /** External weights: `path` is the file name recorded in the model (e.g. `weights.pb`). Found by reading the model when omitted. */
  readonly externalData?: readonly (FileRef & { readonly path: string })[];
}

/** An explicit description of a Stable Diffusion ONNX model. Folder URLs and presets resolve to one. */
export interface ModelManifest {
  /** A stable name for caching and display. */
  readonly id: string;
  /** Bumped when the files change; part of the cache key. */
  readonly revision?: string;
  /** Base for relative file URLs. */
  readonly baseUrl?: string;
  readonly textEncoder: OnnxFileRef;
  readonly unet: OnnxFileRef;
  readonly vaeDecoder: OnnxFileRef;
  /** Needed only for image-to-image and inpainting; loaded on first use. */
  readonly vaeEncoder?: OnnxFileRef;
  /** Hugging Face layout tokenizer files. */
  readonly vocab: FileRef;
  readonly merges: FileRef;
  /** Optional JSON files read for settings; missing ones fall back to SD 1.x defaults. */
  readonly schedulerConfig?: FileRef | SchedulerConfig;
  readonly specialTokensMap?: FileRef;
  readonly vaeConfig?: FileRef;
  /** `model_index.json`: its pipeline class name tells an inpainting model when the U-Net's channel count is symbolic. */
  readonly modelIndex?: FileRef;
  /** The U-Net's input channels where the ONNX file leaves them symbolic: 4, or 9 for inpainting models. */
  readonly unetChannels?: 4 | 9;
  /** Overrides: the tokenizer's pad id (49407 for SD 1.x, 0 for SD 2.x / Turbo) and the VAE scaling factor. */
  readonly padTokenId?: number;
  readonly scalingFactor?: number;
  /**
   * Loaded instead where this model cannot run here: typically the fp32 export of an fp16 model, for WebGPU
   * adapters without `shader-f16`. Without one, such an adapter fails with `fp16-unsupported`.
   */
  readonly fallback?: ModelSource;
  /** True for fp16 weights that WebGPU runs only with `shader-f16`: `device: 'auto'` then picks WASM up front. */
  readonly needsShaderF16?: boolean;
  /**
   * SDXL's second text encoder (OpenCLIP bigG with projection) and its tokenizer files; a folder's
   * model_index.json adds them when it lists `text_encoder_2` and `tokenizer_2`.
   */
  readonly textEncoder2?: OnnxFileRef;
  readonly vocab2?: FileRef;
  readonly merges2?: FileRef;
  readonly specialTokensMap2?: FileRef;
  /** tokenizer_2's pad id (0, `!`, for SDXL); read from its special_tokens_map.json when omitted. */
  readonly padTokenId2?: number;
  /** SDXL: an empty negative prompt under guidance becomes zeros (model_index.json's `force_zeros_for_empty_prompt`). */
  readonly forceZerosForEmptyPrompt?: boolean;
  /**
   * A VAE decoder in fp32, run again when the (fp16) decoder returns NaN or infinity: SDXL's VAE overflows in
   * fp16. Without one such a decode fails with `nan-output`.
   */
  readonly vaeDecoderFp32?: OnnxFileRef;
  /** Sensible request defaults for this model (SD-Turbo: 1 step, guidance 0). */
  readonly defaults?: Partial<Pick<GenerateRequest, 'steps' | 'guidanceScale' | 'guidanceRescale' | 'width' | 'height' | 'scheduler'>>;
}

/** Options for loading a model in the worker. */
export interface LoadOptions {
  readonly device: Device;
  /** Folder (URL) holding onnxruntime-web's `.wasm` files, when they are not next to the worker bundle. */
  readonly wasmPaths?: string;
  /** WASM threads; defaults to the core count when cross-origin isolated, else 1. */
  readonly numThreads?: number;
  /** A model file download that gets no bytes for this long fails with `download-failed`; default 30 000. */
  readonly stallTimeoutMs?: number;
}

/** A size in pixels. */
export interface PixelSize { readonly width: number; readonly height: number }

/** What to make. Pixel sizes are multiples of 8. */
export interface GenerateRequest {
  readonly prompt: string;
  readonly negativePrompt?: string;
  readonly width?: number;
  readonly height?: number;
  readonly steps?: number;
  readonly guidanceScale?: number;
  /** 0..1, diffusers' `guidance_rescale` ("CFG rescale"): pulls a high guidance scale's prediction back to the conditional one's spread, against over-saturation. Default 0, or the model's. */
  readonly guidanceRescale?: number;
  /** A name people use (`'DPM++ 2M Karras'`, `'euler_ancestral'`), a diffusers class name, or a config. */
  readonly scheduler?: string | SchedulerConfig;
  /** 0..2^32-1; random when omitted. The result says which seed was used. */
  readonly seed?: number;
  /** Image-to-image / inpainting input, of any size: it is scaled to width x height, which default to its own size (shrunk to fit 2048 px, aspect kept), rounded down to multiples of 8. */
  readonly image?: ImageData;
  /** Inpainting mask (white = repaint), scaled to the image's size like the image. */
  readonly mask?: ImageData;
  /** How far to move from the image, 0..1: 0 returns it (through the VAE), 1 noises it at the first timestep (as diffusers). Default 0.8, or 1 with a mask. */
  readonly strength?: number;
  /** Inpainting: feather of the final composite in pixels (default 4); pixels beyond it come back unchanged. */
  readonly maskBlur?: number;
  /** SDXL only: the prompt for the second text encoder (default: `prompt`), as diffusers' `prompt_2`. */
  readonly prompt2?: string;
  /** SDXL only: the negative prompt for the second text encoder (default: `negativePrompt`). */
  readonly negativePrompt2?: string;
  /** SDXL micro-conditioning (diffusers' `original_size`): the size the picture claims to come from; default width x height. */
  readonly originalSize?: PixelSize;
  /** SDXL micro-conditioning (`crops_coords_top_left`): default { top: 0, left: 0 }, i.e. uncropped. */
  readonly cropsCoordsTopLeft?: { readonly top: number; readonly left: number };
  /** SDXL micro-conditioning (`target_size`): default width x height. */
  readonly targetSize?: PixelSize;
  /** Adds `preview` (a cheap latent-to-RGB ImageData at an eighth of the size) to each denoise progress report. Default false. */
  readonly previews?: boolean;
  /** Text-to-image only: these [4, height/8, width/8] latents instead of the seeded noise (diffusers' `latents`), e.g. from `invert()`. */
  readonly latents?: Float32Array;
}

/** Progress, as a union on `phase` with raw counts (never percentages). */
export type Progress =
  | { readonly phase: 'download'; readonly file: string; readonly loaded: number; readonly total: number | undefined;
      readonly fromCache: boolean;
      /** Bytes over every file of this load reported so far; `total` is undefined while any of their sizes is unknown. */
      readonly overall: { readonly loaded: number; readonly total: number | undefined } }
  | { readonly phase: 'cache'; readonly file: string; readonly event: 'hit' | 'evicted-corrupt' | 'evicted-stale' | 'stored' }
  | { readonly phase: 'session'; readonly model: ModelPart; readonly loaded: number; readonly total: number }
  | { readonly phase: 'ready'; readonly device: 'webgpu' | 'wasm' }
  | { readonly phase: 'encode' }
  | { readonly phase: 'denoise'; readonly step: number; readonly totalSteps: number;
      /** Only with the request's `previews`: this step's denoised estimate (x0), approximated as RGB, width/8 x height/8. */
      readonly preview?: ImageData }
  | { readonly phase: 'decode' };

/** The networks of a Stable Diffusion model (SDXL adds a second text encoder). */
export type ModelPart = 'textEncoder' | 'textEncoder2' | 'unet' | 'vaeDecoder' | 'vaeEncoder';

/** The U-Net contract a model follows, detected from its sessions and model_index.json: SD 1.x/2.x, or SDXL. */
export type ModelFamily = 'sd' | 'sdxl';

/** Milliseconds spent per stage of one generation. */
export interface Timings {
  readonly encode: number;
  /** Wall time of each denoising step. */
  readonly denoise: readonly number[];
  /** The part of each step spent outside the U-Net's `session.run`: our JavaScript and data conversion. */
  readonly stepOverhead: readonly number[];
  readonly decode: number;
  readonly total: number;
}

/** What a generation did, decided once from the request: a mask means inpainting, an image image-to-image. */
export type GenerationMode = 'text-to-image' | 'image-to-image' | 'inpainting';

/** What the worker returns for one generation. */
export interface WorkerResult {
  readonly image: ImageData;
  readonly seed: number;
  /** The mode that ran (an inpainting model runs text-to-image and image-to-image under a full mask). */
  readonly mode: GenerationMode;
  readonly timings: Timings;
  /** The scheduler config actually used (diffusers form). */
  readonly scheduler: SchedulerConfig;
}

/** What the worker reports once a model is ready. */
export interface LoadedModelInfo {
  readonly id: string;
  readonly device: 'webgpu' | 'wasm';
  /** Why this device runs the model, in words (e.g. "auto: the WebGPU adapter is a software renderer, slower than WASM."). */
  readonly deviceReason: string;
  readonly dtype: 'float16' | 'float32';
  /** SD 1.x/2.x (one text encoder) or SDXL (two, and micro-conditioning). */
  readonly family: ModelFamily;
  readonly unetChannels: number;
  readonly canEncodeImages: boolean;
  readonly defaults: NonNullable<ModelManifest['defaults']>;
}
