/** Turns a CLIP `model` option (preset name, folder URL, manifest) into a manifest with absolute URLs. */
import { DiffusionError } from '../protocol/errors.ts';
import type { ClipManifest, ClipSource } from '../protocol/clip-types.ts';
import type { FileRef, OnnxFileRef } from '../protocol/types.ts';
import { clipPresets, isClipPresetName } from './clip-presets.ts';

function absolute(url: string, base: string | undefined): string {
  try {
    return new URL(url, base).href;
  } catch (cause) {
    throw new DiffusionError('invalid-model', `'${url}' is not a valid URL${base ? ` relative to ${base}` : ''}.`, { cause });
  }
}

/**
 * The transformers.js layout of a folder: onnx/ and the tokenizer and processor files at the top. `split`
 * (onnx/text_model.onnx + onnx/vision_model.onnx) is tried first: a combined onnx/model.onnx runs both towers on
 * every call, so it costs a stand-in run of the tower not asked for.
 */
export function clipFolderLayout(baseUrl: string, layout: 'split' | 'combined'): ClipManifest {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const networks = layout === 'split'
    ? { textModel: { url: 'onnx/text_model.onnx' }, visionModel: { url: 'onnx/vision_model.onnx' } }
    : { model: { url: 'onnx/model.onnx' } };
  return { id: base, baseUrl: base, ...networks, vocab: { url: 'vocab.json' }, merges: { url: 'merges.txt' }, preprocessorConfig: { url: 'preprocessor_config.json' } };
}

/** The manifests to try for `source` in order: both folder layouts for a folder URL, else the one it names. */
export function clipCandidates(source: ClipSource, origin?: string): ClipManifest[] {
  const first = resolveClipSource(source, origin);
  if (typeof source !== 'string' || isClipPresetName(source)) return [first];
  return [first, resolveClipManifest(clipFolderLayout(first.baseUrl!, 'combined'), origin)];
}

const isFileRef = (value: unknown): value is FileRef => typeof (value as FileRef)?.url === 'string';

/** Checks a manifest's parts and makes every URL absolute (relative to `baseUrl`, then `origin`). */
export function resolveClipManifest(manifest: ClipManifest, origin?: string): ClipManifest {
  if (typeof manifest.id !== 'string' || !manifest.id) throw new DiffusionError('invalid-model', 'The CLIP manifest needs an `id`.');
  for (const part of ['vocab', 'merges'] as const) {
    if (!isFileRef(manifest[part])) throw new DiffusionError('invalid-model', `The CLIP manifest has no '${part}' file.`, { details: { missing: part } });
  }
  const networks = (['model', 'textModel', 'visionModel'] as const).filter((part) => manifest[part] !== undefined);
  if (networks.length === 0 || (manifest.model && networks.length > 1) || networks.some((part) => !isFileRef(manifest[part]))) {
    throw new DiffusionError('invalid-model', 'A CLIP manifest names either `model` (one combined export) or `textModel` and/or `visionModel` (split export).', { details: { networks } });
  }
  if (manifest.logitScale !== undefined && !(typeof manifest.logitScale === 'number' && manifest.logitScale > 0)) {
    throw new DiffusionError('invalid-model', 'logitScale must be a positive number (100 for OpenAI CLIP).', { details: { logitScale: manifest.logitScale } });
  }
  const base = manifest.baseUrl ? absolute(manifest.baseUrl, origin) : origin;
  const file = <T extends FileRef | OnnxFileRef | undefined>(ref: T): T => {
    if (!ref) return ref;
    const external = (ref as OnnxFileRef).externalData?.map((f) => ({ ...f, url: absolute(f.url, base) }));
    return { ...ref, url: absolute(ref.url, base), ...(external ? { externalData: external } : {}) };
  };
  return {
    ...manifest, baseUrl: base,
    model: file(manifest.model), textModel: file(manifest.textModel), visionModel: file(manifest.visionModel),
    vocab: file(manifest.vocab), merges: file(manifest.merges), preprocessorConfig: file(manifest.preprocessorConfig),
  };
}

/** Resolves a preset name, folder URL or manifest. */
export function resolveClipSource(source: ClipSource, origin?: string): ClipManifest {
  if (typeof source === 'string') {
    if (isClipPresetName(source)) return resolveClipManifest(clipPresets[source].manifest, origin);
    if (!/^(https?:|blob:|data:|\.{0,2}\/)/.test(source) && !source.includes('/')) {
      throw new DiffusionError('invalid-model', `Unknown CLIP model '${source}'. Use a preset (${Object.keys(clipPresets).join(', ')}), a folder URL or a manifest.`, {
        details: { presets: Object.keys(clipPresets) },
      });
    }
    return resolveClipManifest(clipFolderLayout(absolute(source, origin), 'split'), origin);
  }
  if (typeof source !== 'object' || source === null) throw new DiffusionError('invalid-model', 'The CLIP model must be a preset name, a folder URL or a manifest object.');
  return resolveClipManifest(source, origin);
}
