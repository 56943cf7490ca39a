/**
 * Named CLIP models in the public transformers.js-style repositories (split text/vision exports, fp32).
 * Tests never download these; they use the generated tiny CLIP under test/fixtures/models/.
 */
import type { ClipManifest } from '../protocol/clip-types.ts';
import { shippedModel } from '../models/shipped-models.ts';

const hub = (repo: string, path: string) => `https://huggingface.co/${repo}/resolve/main/${path}`;

function transformersJs(repo: string, id: string): ClipManifest {
  return {
    id, revision: 'main',
    textModel: { url: hub(repo, 'onnx/text_model.onnx') },
    visionModel: { url: hub(repo, 'onnx/vision_model.onnx') },
    vocab: { url: hub(repo, 'vocab.json') },
    merges: { url: hub(repo, 'merges.txt') },
    preprocessorConfig: { url: hub(repo, 'preprocessor_config.json') },
    // The split exports drop logit_scale; OpenAI's trained value is exp(4.6052) = 100.
    logitScale: 100,
  };
}

/**
 * The shapes world's scoring CLIP (tools/train/), shipped with the package. It is a second CLIP, trained with hard
 * negatives: its towers tell the shapes apart far better than the first CLIP, whose text tower conditions the
 * shapes U-Nets (`text_encoder/`; src/models/README.md says why they differ).
 */
function shapesClip(): ClipManifest {
  const file = (path: string) => ({ url: new URL(path, shippedModel('shapes')).href });
  return {
    id: 'shapes', revision: '2',
    textModel: file('clip/onnx/text_model.onnx'),
    visionModel: file('clip/onnx/vision_model.onnx'),
    vocab: file('tokenizer/vocab.json'),
    merges: file('tokenizer/merges.txt'),
    preprocessorConfig: file('clip/preprocessor_config.json'),
    logitScale: SHAPES_LOGIT_SCALE,
  };
}
/** The trained temperature (src/models/shapes/clip/config.json); split exports drop it. */
const SHAPES_LOGIT_SCALE = 26.6606;

/** The presets by name, with what a visitor downloads once. */
export const clipPresets = {
  shapes: { manifest: shapesClip(), downloadBytes: 6_700_000 },
  'clip-vit-b32': { manifest: transformersJs('Xenova/clip-vit-base-patch32', 'clip-vit-b32'), downloadBytes: 605_000_000 },
  'clip-vit-large-patch14': { manifest: transformersJs('Xenova/clip-vit-large-patch14', 'clip-vit-large-patch14'), downloadBytes: 1_710_000_000 },
} as const satisfies Record<string, { manifest: ClipManifest; downloadBytes: number }>;

/** True when `name` names a CLIP preset. */
export function isClipPresetName(name: string): name is keyof typeof clipPresets {
  return Object.prototype.hasOwnProperty.call(clipPresets, name);
}
