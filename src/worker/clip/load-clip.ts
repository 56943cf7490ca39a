/**
 * Loads a CLIP export: fetches its files through the model cache, reads `preprocessor_config.json`, creates
 * one session (combined export) or two (split), reads their contracts, and finds the trained logit scale.
 */
import { fetchModelFile, fetchOptionalFile, type FetchOptions } from '../cache/model-cache.ts';
import { DiffusionError } from '../protocol/errors.ts';
import type { ClipManifest, ClipProgress } from '../protocol/clip-types.ts';
import type { FileRef, OnnxFileRef } from '../protocol/types.ts';
import { createSession, releaseSession, type Backend, type Session } from '../runtime/ort.ts';
import { parseSchedulerConfigJson } from '../schedulers/config.ts';
import { ClipTokenizer } from '../tokenizer/index.ts';
import { clipContract, type ClipContract } from './clip-contract.ts';
import { parseImageSettings, type ClipImageSettings } from './preprocess.ts';

/** A session with the contract read from it. */
export interface ClipNetwork { readonly session: Session; readonly contract: ClipContract }

/** A loaded CLIP: its towers (the same session twice for a combined export) and settings. */
export interface LoadedClip {
  readonly manifest: ClipManifest;
  readonly backend: Backend;
  readonly layout: 'combined' | 'split';
  readonly tokenizer: ClipTokenizer;
  readonly image: ClipImageSettings;
  readonly text?: ClipNetwork;
  readonly vision?: ClipNetwork;
  release(): Promise<void>;
}

/** How to load: backend, cancellation and progress. */
export interface ClipLoadContext {
  readonly backend: Backend;
  readonly signal?: AbortSignal;
  readonly onProgress: (progress: ClipProgress) => void;
}

function request(file: FileRef, manifest: ClipManifest) {
  const name = manifest.baseUrl && file.url.startsWith(manifest.baseUrl) ? file.url.slice(manifest.baseUrl.length) : file.url;
  return { url: file.url, name, modelId: manifest.id, revision: manifest.revision, size: file.size, sha256: file.sha256 };
}

function fetchOptions(context: Omit<ClipLoadContext, 'backend'>): FetchOptions {
  return {
    signal: context.signal,
    onProgress: (p) => context.onProgress({ phase: 'download', file: p.file, loaded: p.loaded, total: p.total, fromCache: p.fromCache }),
    onCacheEvent: (e) => context.onProgress({ phase: 'cache', file: e.file, event: e.event }),
  } as FetchOptions;
}

async function session(file: OnnxFileRef, label: string, manifest: ClipManifest, context: ClipLoadContext): Promise<Session> {
  const options = fetchOptions(context);
  const bytes = await fetchModelFile(request(file, manifest), options);
  const externalData = [];
  for (const data of file.externalData ?? []) externalData.push({ path: data.path, data: await fetchModelFile(request(data, manifest), options) });
  return createSession(bytes, { backend: context.backend, label, externalData: externalData.length ? externalData : undefined });
}

async function readSettings(manifest: ClipManifest, context: ClipLoadContext) {
  const options = fetchOptions(context);
  const decode = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);
  const [vocab, merges, processor] = await Promise.all([
    fetchModelFile(request(manifest.vocab, manifest), options),
    fetchModelFile(request(manifest.merges, manifest), options),
    manifest.preprocessorConfig ? fetchOptionalFile(request(manifest.preprocessorConfig, manifest), options) : undefined,
  ]);
  const processorText = decode(processor);
  let config: Record<string, unknown> | undefined;
  try {
    config = processorText === undefined ? undefined : parseSchedulerConfigJson(processorText) as Record<string, unknown>;
  } catch (cause) {
    throw new DiffusionError('invalid-model', "The CLIP model's preprocessor_config.json is not valid JSON.", { cause });
  }
  return { tokenizer: ClipTokenizer.fromFiles(decode(vocab) ?? '', decode(merges) ?? ''), image: parseImageSettings(config) };
}

/** Loads every session of `manifest`; on failure, releases what was created. */
export async function loadClip(manifest: ClipManifest, context: ClipLoadContext): Promise<LoadedClip> {
  const settings = await readSettings(manifest, context);
  const sessions: Session[] = [];
  const open = async (file: OnnxFileRef, label: string) => {
    const created = await session(file, label, manifest, context);
    sessions.push(created);
    return created;
  };
  try {
    if (manifest.model) {
      const combined = await open(manifest.model, 'CLIP model');
      const contract = clipContract(combined, 'CLIP model', { text: true, vision: true });
      const network = { session: combined, contract };
      return { manifest, backend: context.backend, layout: 'combined', ...settings, text: network, vision: network, release: () => releaseAll(sessions) };
    }
    const textSession = manifest.textModel ? await open(manifest.textModel, 'CLIP text model') : undefined;
    const visionSession = manifest.visionModel ? await open(manifest.visionModel, 'CLIP vision model') : undefined;
    return {
      manifest, backend: context.backend, layout: 'split', ...settings,
      text: textSession && { session: textSession, contract: clipContract(textSession, 'CLIP text model', { text: true, vision: false }) },
      vision: visionSession && { session: visionSession, contract: clipContract(visionSession, 'CLIP vision model', { text: false, vision: true }) },
      release: () => releaseAll(sessions),
    };
  } catch (error) {
    await releaseAll(sessions);
    throw error;
  }
}

async function releaseAll(sessions: Session[]): Promise<void> {
  await Promise.all(sessions.map(releaseSession));
}
