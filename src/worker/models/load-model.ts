/**
 * Loads a model: fetches its files (through the IndexedDB cache), reads its settings, creates one ONNX session
 * per network and reads each session's contract. The VAE encoder is loaded on first use.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { ensureQuota, fetchModelFile, fetchOptionalFile, type FetchOptions } from '../cache/model-cache.ts';
import type { FileRef, ModelFamily, ModelManifest, ModelPart, OnnxFileRef } from '../protocol/types.ts';
import { inputsOf, releaseSession, type Backend, type Session } from '../runtime/ort.ts';
import { parseSchedulerConfigJson } from '../schedulers/config.ts';
import type { SchedulerConfig } from '../schedulers/scheduler.ts';
import { checkModelSchedulerConfig } from '../schedulers/validate-config.ts';
import { ClipTokenizer } from '../tokenizer/index.ts';
import * as contracts from './contract.ts';
import { isFolderLayout, narrowToIndex } from './folder-layout.ts';
import { firstConvInputChannels } from './onnx-conv-channels.ts';
import { detectFamily, sdxlTextContract, type SdxlTextContract } from './sdxl-contract.ts';
import { fetchOptions, loadNetwork, prefetchNetwork, request, type Inspect, type LoadContext } from './load-network.ts';

export type { LoadContext } from './load-network.ts';

/** A network's session with the contract read from it. */
export interface Network<C> { readonly session: Session; readonly contract: C }

/** What an SDXL model adds: both text encoders read for SDXL's outputs, the second tokenizer, the zeros rule. */
export interface SdxlModel {
  readonly encoders: readonly [Network<SdxlTextContract>, Network<SdxlTextContract>];
  readonly tokenizer2: ClipTokenizer;
  readonly padTokenId2: number;
  readonly forceZerosForEmptyPrompt: boolean;
}

/** Everything the pipelines need from a loaded model. */
export interface LoadedModel {
  readonly manifest: ModelManifest;
  readonly backend: Backend;
  readonly tokenizer: ClipTokenizer;
  readonly padTokenId: number;
  readonly scalingFactor: number;
  readonly schedulerConfig: SchedulerConfig;
  readonly textEncoder: Network<contracts.TextEncoderContract>;
  readonly unet: Network<contracts.UnetContract>;
  readonly vaeDecoder: Network<contracts.VaeContract>;
  /** SD 1.x/2.x or SDXL, detected from the sessions and model_index.json. */
  readonly family: ModelFamily;
  /** Present for SDXL models. */
  readonly sdxl?: SdxlModel;
  /** Loads (once) the manifest's fp32 VAE decoder, for decodes the first decoder overflows; absent without one. */
  readonly vaeDecoderFp32?: (context: LoadContext) => Promise<Network<contracts.VaeContract>>;
  /** Loads (once) and returns the VAE encoder; fails with `invalid-model` when the model has none. */
  vaeEncoder(context: LoadContext): Promise<Network<contracts.VaeContract>>;
  /** Releases every session. */
  release(): Promise<void>;
}

const SD_DEFAULT_SCHEDULER: SchedulerConfig = {
  _class_name: 'PNDMScheduler', num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012,
  beta_schedule: 'scaled_linear', steps_offset: 1, skip_prk_steps: true, set_alpha_to_one: false, clip_sample: false,
};

const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

/** Parses an optional JSON file; undefined when it is not a JSON object (never an error: the file counts as absent). */
function jsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    return parseSchedulerConfigJson(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

type SettingsContext = Omit<LoadContext, 'backend'>;

/** An optional JSON file of the model, parsed; undefined when absent, or when what came is not JSON (an HTML page). */
async function optionalJson(file: FileRef | undefined, manifest: ModelManifest, options: FetchOptions): Promise<Record<string, unknown> | undefined> {
  if (!file) return undefined;
  const bytes = await fetchOptionalFile(request(file, manifest), options, (b) => jsonObject(b) !== undefined);
  return bytes && jsonObject(bytes);
}

/**
 * The manifest with only the optional files the model has: a folder's model_index.json lists its components, so
 * nothing it lacks is requested. Without an index, every usual place is tried (the VAE config in `vae/` as well).
 */
async function layoutOf(manifest: ModelManifest, options: FetchOptions): Promise<{ manifest: ModelManifest; index?: Record<string, unknown> }> {
  const index = await optionalJson(manifest.modelIndex, manifest, options);
  if (!isFolderLayout(manifest)) return { manifest, index };
  if (index) return { manifest: narrowToIndex(manifest, index), index };
  return { manifest, index };
}

async function readSettings(source: ModelManifest, context: SettingsContext) {
  const options = fetchOptions(context);
  const { manifest, index } = await layoutOf(source, options);
  const [vocab, merges] = await Promise.all([
    fetchModelFile(request(manifest.vocab, manifest), options),
    fetchModelFile(request(manifest.merges, manifest), options),
  ]);
  const schedulerRef = manifest.schedulerConfig;
  const isRef = typeof (schedulerRef as FileRef | undefined)?.url === 'string';
  const [schedulerFile, special, vaeFile] = await Promise.all([
    isRef ? optionalJson(schedulerRef as FileRef, manifest, options) : undefined,
    optionalJson(manifest.specialTokensMap, manifest, options),
    optionalJson(manifest.vaeConfig, manifest, options),
  ]);
  const vocabText = text(vocab) ?? '';
  const tokenizer = ClipTokenizer.fromFiles(vocabText, text(merges) ?? '');
  const schedulerConfig = (isRef ? schedulerFile : schedulerRef) ?? SD_DEFAULT_SCHEDULER;
  // optimum keeps the VAE config beside the decoder; other exports may have it in vae/ (tried only without an index).
  const second = await secondTokenizer(manifest, options);
  const vaeFallback = !vaeFile && !index && isFolderLayout(manifest) ? await optionalJson({ url: new URL('vae/config.json', manifest.baseUrl).href }, manifest, options) : undefined;
  const vae = vaeFile ?? vaeFallback;
  const pipelineClass = String(index?._class_name ?? '');
  return {
    manifest,
    pipelineClass,
    second,
    forceZerosForEmptyPrompt: manifest.forceZerosForEmptyPrompt ?? index?.force_zeros_for_empty_prompt === true,
    unetChannels: manifest.unetChannels ?? (/Inpaint/.test(pipelineClass) ? 9 : 4),
    tokenizer,
    schedulerConfig: checkModelSchedulerConfig(schedulerConfig as SchedulerConfig),
    padTokenId: manifest.padTokenId ?? padTokenFrom(special, vocabText),
    scalingFactor: manifest.scalingFactor ?? (typeof vae?.scaling_factor === 'number' ? vae.scaling_factor : 0.18215),
  };
}

/** SDXL's tokenizer_2 (OpenCLIP's, padding with `!`), when the manifest names its files. */
async function secondTokenizer(manifest: ModelManifest, options: FetchOptions) {
  if (!manifest.vocab2 || !manifest.merges2) return undefined;
  const [vocab, merges, special] = await Promise.all([
    fetchModelFile(request(manifest.vocab2, manifest), options),
    fetchModelFile(request(manifest.merges2, manifest), options),
    optionalJson(manifest.specialTokensMap2, manifest, options),
  ]);
  const vocabText = text(vocab) ?? '';
  return { tokenizer: ClipTokenizer.fromFiles(vocabText, text(merges) ?? ''), padTokenId: manifest.padTokenId2 ?? padTokenFrom(special, vocabText) };
}

/** SD 1.x pads with `<|endoftext|>` (49407); SD 2.x / Turbo (OpenCLIP) with `!` (0). */
function padTokenFrom(special: Record<string, unknown> | undefined, vocabText: string): number {
  const pad = special?.pad_token;
  const content = typeof pad === 'string' ? pad : (pad as { content?: string } | undefined)?.content;
  if (!content || content === '<|endoftext|>') return 49407;
  const id = (JSON.parse(vocabText) as Record<string, number>)[content];
  return typeof id === 'number' ? id : 49407;
}

/** The model's large files; their sizes, where the manifest gives them, let us check the quota before downloading. */
function networkFiles(manifest: ModelManifest, withEncoder: boolean): OnnxFileRef[] {
  const files = [manifest.textEncoder, manifest.textEncoder2, manifest.unet, manifest.vaeDecoder];
  const later = withEncoder ? [manifest.vaeEncoder, manifest.vaeDecoderFp32] : [];
  return [...files, ...later].filter((f): f is OnnxFileRef => f !== undefined);
}

async function checkQuota(files: OnnxFileRef[]): Promise<void> {
  const sizes = files.flatMap((f) => [f, ...(f.externalData ?? [])]).map((f) => f.size ?? 0);
  await ensureQuota(sizes.reduce((a, b) => a + b, 0));
}

/**
 * Stores every file of a model in the cache without creating sessions (for "download for offline use").
 * The settings are read exactly as loading reads them (fallbacks and remembered 404s included), so that a load
 * afterwards needs no server; external data is found by reading each ONNX file, as loading does.
 */
export async function prefetchModel(source: ModelManifest, context: Omit<LoadContext, 'backend'>): Promise<void> {
  await checkQuota(networkFiles(source, true));
  const options = fetchOptions(context);
  const { manifest } = await readSettings(source, context);
  const files = networkFiles(manifest, true);
  for (const file of files) await prefetchNetwork(file, manifest, options);
}

/** Loads every network of `manifest` except the VAE encoder, reporting progress per file and per session. */
export async function loadModel(source: ModelManifest, context: LoadContext): Promise<LoadedModel> {
  await checkQuota(networkFiles(source, false));
  const { manifest, pipelineClass, second, forceZerosForEmptyPrompt, ...settings } = await readSettings(source, context);
  const parts: ModelPart[] = manifest.textEncoder2 ? ['textEncoder', 'textEncoder2', 'unet', 'vaeDecoder'] : ['textEncoder', 'unet', 'vaeDecoder'];
  const sessions: Session[] = [];
  const step = async (part: ModelPart, file: OnnxFileRef, label: string, inspect?: Inspect) => {
    const session = await loadNetwork(file, label, manifest, context, inspect);
    sessions.push(session);
    context.onProgress({ phase: 'session', model: part, loaded: sessions.length, total: parts.length });
    return session;
  };
  try {
    const te = await step('textEncoder', manifest.textEncoder, 'text encoder');
    const textEncoder = { session: te, contract: contracts.textEncoderContract(te) };
    const te2 = manifest.textEncoder2 && await step('textEncoder2', manifest.textEncoder2, 'text encoder 2');
    const evidence = { pipelineClass, hasTextEncoder2: te2 !== undefined };
    detectFamily(evidence); // what model_index.json alone rules out fails before the U-Net downloads
    // diffusers' export leaves the channel axis symbolic and names the plain pipeline for inpainting models too:
    // the first convolution's weight says 4 or 9 (issue 12.3). An explicit manifest value still wins.
    let graphChannels: number | undefined;
    const un = await step('unet', manifest.unet, 'U-Net', async (model) => { graphChannels = await firstConvInputChannels(model); });
    const unet = { session: un, contract: contracts.unetContract(un, manifest.unetChannels ?? graphChannels ?? settings.unetChannels) };
    const family = detectFamily({ ...evidence, unetInputs: inputsOf(un).map((v) => v.name) });
    const sdxl = family === 'sdxl' ? sdxlModel(te, te2!, second, forceZerosForEmptyPrompt) : undefined;
    const vd = await step('vaeDecoder', manifest.vaeDecoder, 'VAE decoder');
    const vaeDecoder = { session: vd, contract: contracts.vaeDecoderContract(vd) };
    let encoder: Promise<Network<contracts.VaeContract>> | undefined;
    let fp32: Promise<Network<contracts.VaeContract>> | undefined;
    const fp32File = manifest.vaeDecoderFp32;
    return {
      manifest, backend: context.backend, ...settings, textEncoder, unet, vaeDecoder, family, sdxl,
      vaeDecoderFp32: fp32File && ((later: LoadContext) => (fp32 ??= loadFp32Decoder(fp32File, manifest, later, sessions).catch((error) => { fp32 = undefined; throw error; }))),
      vaeEncoder: (later: LoadContext) => (encoder ??= loadEncoder(manifest, later, sessions).catch((error) => { encoder = undefined; throw error; })),
      release: async () => { await Promise.all(sessions.map(releaseSession)); },
    };
  } catch (error) {
    await Promise.all(sessions.map(releaseSession));
    throw error;
  }
}

/** The SDXL parts, from the two text-encoder sessions; fails with `model-contract` when tokenizer_2 is missing. */
function sdxlModel(te: Session, te2: Session, second: Awaited<ReturnType<typeof secondTokenizer>>, forceZerosForEmptyPrompt: boolean): SdxlModel {
  if (!second) throw new DiffusionError('model-contract', 'This SDXL model has no tokenizer_2 (vocab.json and merges.txt); list it in model_index.json or give the manifest vocab2 and merges2.');
  const encoders = [sdxlTextContract(te, 'text encoder', false), sdxlTextContract(te2, 'text encoder 2', true)] as const;
  return {
    encoders: [{ session: te, contract: encoders[0] }, { session: te2, contract: encoders[1] }],
    tokenizer2: second.tokenizer, padTokenId2: second.padTokenId, forceZerosForEmptyPrompt,
  };
}

async function loadFp32Decoder(file: OnnxFileRef, manifest: ModelManifest, context: LoadContext, sessions: Session[]) {
  const session = await loadNetwork(file, 'VAE decoder (fp32)', manifest, context);
  sessions.push(session);
  return { session, contract: contracts.vaeDecoderContract(session) };
}

async function loadEncoder(manifest: ModelManifest, context: LoadContext, sessions: Session[]) {
  if (!manifest.vaeEncoder) throw new DiffusionError('invalid-model', `The model '${manifest.id}' has no VAE encoder, which image-to-image and inpainting need.`);
  const session = await loadNetwork(manifest.vaeEncoder, 'VAE encoder', manifest, context);
  sessions.push(session);
  return { session, contract: contracts.vaeEncoderContract(session) };
}
