/** The Hugging Face diffusers-ONNX folder layout, as a manifest relative to the folder. */
import type { ModelManifest } from '../protocol/types.ts';

/** A manifest naming every file of the layout under `folder` (a URL ending in `/` or not). */
export function folderLayout(folder: string): ModelManifest {
  const base = folder.endsWith('/') ? folder : `${folder}/`;
  return {
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
  };
}
