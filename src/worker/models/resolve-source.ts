/**
 * Turns what the user passed as `model` (a preset name, a folder URL, or a manifest) into a manifest whose
 * file URLs are all absolute.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { FileRef, ModelManifest, ModelSource, OnnxFileRef } from '../protocol/types.ts';
import { folderLayout } from './folder-layout.ts';
import { isPresetName, presets } from './presets.ts';

function absolute(url: string, base: string | undefined): string {
  try {
    return new URL(url, base).href;
  } catch (cause) {
    throw new DiffusionError('invalid-model', `'${url}' is not a valid URL${base ? ` relative to ${base}` : ''}.`, { cause });
  }
}

function resolveFile<T extends FileRef>(file: T, base: string | undefined): T {
  return { ...file, url: absolute(file.url, base) };
}

function resolveOnnx(file: OnnxFileRef, base: string | undefined): OnnxFileRef {
  const resolved = resolveFile(file, base);
  return file.externalData ? { ...resolved, externalData: file.externalData.map((f) => resolveFile(f, base)) } : resolved;
}

const isFileRef = (value: unknown): value is FileRef => typeof (value as FileRef)?.url === 'string';

/** Checks a manifest's required parts and makes every URL absolute (relative to `baseUrl`, then `origin`). */
export function resolveManifest(manifest: ModelManifest, origin?: string): ModelManifest {
  for (const part of ['textEncoder', 'unet', 'vaeDecoder', 'vocab', 'merges'] as const) {
    if (!isFileRef(manifest[part])) throw new DiffusionError('invalid-model', `The model manifest has no '${part}' file.`, { details: { missing: part } });
  }
  if (typeof manifest.id !== 'string' || !manifest.id) throw new DiffusionError('invalid-model', 'The model manifest needs an `id`.');
  const base = manifest.baseUrl ? absolute(manifest.baseUrl, origin) : origin;
  const optional = <T extends FileRef>(file: T | undefined) => (file ? resolveFile(file, base) : undefined);
  return {
    ...manifest,
    baseUrl: base,
    textEncoder: resolveOnnx(manifest.textEncoder, base),
    unet: resolveOnnx(manifest.unet, base),
    vaeDecoder: resolveOnnx(manifest.vaeDecoder, base),
    vaeEncoder: manifest.vaeEncoder ? resolveOnnx(manifest.vaeEncoder, base) : undefined,
    textEncoder2: manifest.textEncoder2 ? resolveOnnx(manifest.textEncoder2, base) : undefined,
    vaeDecoderFp32: manifest.vaeDecoderFp32 ? resolveOnnx(manifest.vaeDecoderFp32, base) : undefined,
    vocab2: optional(manifest.vocab2),
    merges2: optional(manifest.merges2),
    specialTokensMap2: optional(manifest.specialTokensMap2),
    vocab: resolveFile(manifest.vocab, base),
    merges: resolveFile(manifest.merges, base),
    schedulerConfig: isFileRef(manifest.schedulerConfig) ? resolveFile(manifest.schedulerConfig, base) : manifest.schedulerConfig,
    specialTokensMap: optional(manifest.specialTokensMap),
    vaeConfig: optional(manifest.vaeConfig),
    modelIndex: optional(manifest.modelIndex),
  };
}

/** Resolves a preset name, folder URL (absolute, or relative to `origin`) or manifest to an absolute manifest. */
export function resolveSource(source: ModelSource, origin?: string): ModelManifest {
  if (typeof source === 'string') {
    if (isPresetName(source)) return resolveManifest({ ...presets[source].manifest, needsShaderF16: presets[source].needsShaderF16 }, origin);
    if (!source.trim()) throw new DiffusionError('invalid-model', 'The model is an empty string; give a preset name, a folder URL or a manifest.');
    const looksLikeUrl = /^(https?:|blob:|data:|\.{0,2}\/)/.test(source) || source.includes('/');
    if (!looksLikeUrl) {
      const names = Object.keys(presets).join(', ');
      throw new DiffusionError('invalid-model', `Unknown model '${source}'. Use a preset (${names}), a folder URL or a manifest.`, { details: { presets: Object.keys(presets) } });
    }
    return resolveManifest(folderLayout(absolute(source, origin)), origin);
  }
  if (typeof source !== 'object' || source === null) throw new DiffusionError('invalid-model', 'The model must be a preset name, a folder URL or a manifest object.');
  return resolveManifest(source, origin);
}
