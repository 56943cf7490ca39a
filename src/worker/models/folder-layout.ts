/** The Hugging Face diffusers-ONNX folder layout, as a manifest relative to the folder. */
import type { FileRef, ModelManifest } from '../protocol/types.ts';

/**
 * Marks manifests made by folderLayout: their optional files are guesses at the usual places, to be narrowed to
 * what the folder's model_index.json lists. A symbol key, so object spreads (presets, resolveManifest) keep it.
 */
const FOLDER_LAYOUT = Symbol('diffusers folder layout');

/** A manifest naming every file of the layout under `folder` (a URL ending in `/` or not). */
export function folderLayout(folder: string): ModelManifest {
  const base = folder.endsWith('/') ? folder : `${folder}/`;
  return {
    [FOLDER_LAYOUT]: true,
    id: base,
    baseUrl: base,
    textEncoder: { url: 'text_encoder/model.onnx' },
    unet: { url: 'unet/model.onnx' },
    vaeDecoder: { url: 'vae_decoder/model.onnx' },
    vaeEncoder: { url: 'vae_encoder/model.onnx' },
    vocab: { url: 'tokenizer/vocab.json' },
    merges: { url: 'tokenizer/merges.txt' },
    schedulerConfig: { url: 'scheduler/scheduler_config.json' },
    specialTokensMap: { url: 'tokenizer/special_tokens_map.json' },
    vaeConfig: { url: 'vae_decoder/config.json' },
    modelIndex: { url: 'model_index.json' },
  } as ModelManifest;
}

/** True for a manifest folderLayout made (also after spreading it into a preset or resolving it). */
export function isFolderLayout(manifest: ModelManifest): boolean {
  return (manifest as { [FOLDER_LAYOUT]?: boolean })[FOLDER_LAYOUT] === true;
}

/** True when model_index.json names `component` with a library and class (`[null, null]` means "not saved"). */
function lists(index: Record<string, unknown>, component: string): boolean {
  const entry = index[component];
  return Array.isArray(entry) && entry.length === 2 && entry.every((part) => typeof part === 'string');
}

/**
 * SDXL's second text encoder and tokenizer, only where model_index.json lists them (an SD folder asks for
 * nothing more).
 */
function secondEncoder(base: string, tokenizer: string): Partial<ModelManifest> {
  const url = (path: string) => new URL(path, base).href;
  return {
    textEncoder2: { url: url('text_encoder_2/model.onnx') },
    vocab2: { url: url(`${tokenizer}/vocab.json`) },
    merges2: { url: url(`${tokenizer}/merges.txt`) },
    specialTokensMap2: { url: url(`${tokenizer}/special_tokens_map.json`) },
  };
}

/**
 * The folder's manifest without the optional files its model_index.json says it lacks, so that a load asks for no
 * file that is not there (each such request is a 404 in the console). optimum (`ORT*` pipelines) writes the VAE's
 * config.json beside the decoder; diffusers' own ONNX export writes none, unless the folder also has a `vae/`
 * component. Neither config nor encoder is ever required: the defaults are SD 1.x's.
 */
export function narrowToIndex(manifest: ModelManifest, index: Record<string, unknown>): ModelManifest {
  const base = manifest.baseUrl ?? manifest.id;
  const optimum = /^ORT/.test(String(index._class_name ?? ''));
  let vaeConfig: FileRef | undefined;
  if (lists(index, 'vae')) vaeConfig = { url: new URL('vae/config.json', base).href };
  else if (optimum && lists(index, 'vae_decoder')) vaeConfig = manifest.vaeConfig;
  const second = lists(index, 'text_encoder_2') ? secondEncoder(base, lists(index, 'tokenizer_2') ? 'tokenizer_2' : 'tokenizer') : {};
  return {
    ...manifest,
    // What the manifest itself names (a preset's own tokenizer files) wins over the folder's usual places.
    textEncoder2: manifest.textEncoder2 ?? second.textEncoder2,
    vocab2: manifest.vocab2 ?? second.vocab2,
    merges2: manifest.merges2 ?? second.merges2,
    specialTokensMap2: manifest.specialTokensMap2 ?? second.specialTokensMap2,
    schedulerConfig: lists(index, 'scheduler') ? manifest.schedulerConfig : undefined,
    specialTokensMap: lists(index, 'tokenizer') ? manifest.specialTokensMap : undefined,
    vaeConfig,
    vaeEncoder: lists(index, 'vae_encoder') ? manifest.vaeEncoder : undefined,
  };
}
