/**
 * The CLIP types that cross the worker boundary (structured-clone safe), beside the diffusion ones in types.ts.
 * Part of protocol/ (decision 0007); the CLIP decision record is 0009.
 */
import type { FileRef, OnnxFileRef } from './types.ts';

/**
 * An explicit description of a CLIP export. Give `model` (one `model.onnx` with `input_ids`, `pixel_values`,
 * `attention_mask`), or `textModel` and/or `visionModel` (the split export); folder URLs and presets resolve to one.
 */
export interface ClipManifest {
  /** A stable name for caching and display. */
  readonly id: string;
  readonly revision?: string;
  /** Base for relative file URLs. */
  readonly baseUrl?: string;
  readonly model?: OnnxFileRef;
  readonly textModel?: OnnxFileRef;
  readonly visionModel?: OnnxFileRef;
  readonly vocab: FileRef;
  readonly merges: FileRef;
  /** CLIPImageProcessor settings; OpenAI CLIP's (224, bicubic, CLIP mean/std) when absent. */
  readonly preprocessorConfig?: FileRef;
  /**
   * The trained logit scale (exp of the stored log, 100 for OpenAI CLIP). A combined export gives it through
   * its logits; for split exports, which drop it, this value is used, else 100.
   */
  readonly logitScale?: number;
}

/** A CLIP preset name, a folder URL (transformers.js layout, `onnx/model.onnx`), or a manifest. */
export type ClipSource = string | ClipManifest;

/** What a loaded CLIP offers and how it runs. */
export interface ClipModelInfo {
  readonly id: string;
  readonly device: 'webgpu' | 'wasm';
  readonly layout: 'combined' | 'split';
  readonly hasText: boolean;
  readonly hasVision: boolean;
  /** Width of the (projected) embeddings: 512 for ViT-B/32, 768 for ViT-L/14. */
  readonly projectionDim: number;
  readonly logitScale: number;
  /** Token row length (77). */
  readonly contextLength: number;
  /** The processor's crop: the input side the vision tower sees. */
  readonly imageSize: { readonly width: number; readonly height: number };
}

/** Embeddings as one flat buffer (rows of `dim`, L2-normalised), transferred rather than copied. */
export interface ClipEmbeddings {
  readonly data: Float32Array;
  readonly dim: number;
  /** Per text: true where the text had more than 75 tokens and was cut as CLIP cuts it. Empty for images. */
  readonly truncated: readonly boolean[];
}

/** CLIP progress: loading reports as diffusion's (download, cache, ready); embedding reports rows done. */
export type ClipProgress =
  | { readonly phase: 'download'; readonly file: string; readonly loaded: number; readonly total: number | undefined; readonly fromCache: boolean }
  | { readonly phase: 'cache'; readonly file: string; readonly event: string }
  | { readonly phase: 'ready'; readonly device: 'webgpu' | 'wasm' }
  | { readonly phase: 'embed'; readonly kind: 'text' | 'image'; readonly done: number; readonly total: number };
