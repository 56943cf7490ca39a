/**
 * Hands an ONNX file's embedded weights to onnxruntime-web as external data that points back into the same bytes.
 *
 * Why: given a model buffer, onnxruntime-web copies it into its WASM heap and parses it there, so each weight exists
 * three times (our bytes, ORT's copy, the parsed protobuf) before the session's own tensor is even allocated: about
 * 4x the file at the peak, measured in bench/cache.bench.ts. External data is copied by ORT straight from our bytes
 * into each tensor (on WebGPU, into GPU buffers), and only the small graph is parsed. The rewrite copies no weight:
 * the new model holds the graph, and every large `raw_data` becomes `external_data` {location, offset, length}
 * into the original file, which is mounted under INLINE_WEIGHTS_PATH. The rewrite is one walk (onnx-proto-walk.ts)
 * run over bytes or over a Blob; from a Blob it reads the graph and the tensors' small fields, never a large payload.
 */
import { fields, LENGTH_DELIMITED, ONNX_FIELDS, walk, walkBlob, type Field, type Walk } from './onnx-proto-walk.ts';

export { externalDataLocationsFromBlob } from './onnx-external-data.ts';

/** The external-data name under which the original file is mounted. */
export const INLINE_WEIGHTS_PATH = 'web-diffusion-inline-weights.bin';

/** Smaller tensors stay inline: moving them saves nothing and costs a lookup each. */
const MIN_EXTERNAL_BYTES = 4096;

const { model: MODEL, graph: GRAPH, tensor: TENSOR, entry: ENTRY } = ONNX_FIELDS;
/** TensorProto.DataLocation.EXTERNAL. */
const DATA_LOCATION_EXTERNAL = 1;

const encoder = new TextEncoder();

/** A varint's bytes, for writing (onnx-proto-walk.ts reads them). */
function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

/** A length-delimited field: key, length, payload. */
function message(number: number, payload: Uint8Array): Uint8Array {
  const head = [...varint(number * 8 + LENGTH_DELIMITED), ...varint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function entry(key: string, value: string): Uint8Array {
  return message(TENSOR.externalData, concat([message(ENTRY.key, encoder.encode(key)), message(ENTRY.value, encoder.encode(value))]));
}

/** The TensorProto without its large `raw_data`, pointing at those bytes in the file instead; undefined when small. */
function* externalTensor(tensor: Field): Walk<Uint8Array | undefined> {
  const tensorFields = yield* fields(tensor.start, tensor.end);
  // The last raw_data wins, as in protobuf; it is found before any byte is read so a small tensor is read once, whole.
  const raw = tensorFields.filter((field) => field.number === TENSOR.rawData && field.wireType === LENGTH_DELIMITED).at(-1);
  if (!raw || raw.end - raw.start < MIN_EXTERNAL_BYTES) return undefined;
  const parts: Uint8Array[] = [];
  for (const field of tensorFields) {
    if (field.number === TENSOR.rawData && field.wireType === LENGTH_DELIMITED) continue;
    if (field.number !== TENSOR.dataLocation) parts.push(yield [field.keyStart, field.end]);
  }
  parts.push(entry('location', INLINE_WEIGHTS_PATH), entry('offset', String(raw.start)), entry('length', String(raw.end - raw.start)));
  parts.push(new Uint8Array([...varint(TENSOR.dataLocation * 8), DATA_LOCATION_EXTERNAL]));
  return concat(parts);
}

/** The message in [start, end) with each field `rewrite` returns a payload for replaced by it; undefined when none is. */
function* rewriteFields(start: number, end: number, rewrite: (field: Field) => Walk<Uint8Array | undefined> | undefined): Walk<Uint8Array | undefined> {
  const parts: (Uint8Array | { start: number; end: number })[] = [];
  let changed = false;
  for (const field of yield* fields(start, end)) {
    const task = field.wireType === LENGTH_DELIMITED ? rewrite(field) : undefined;
    const payload = task ? yield* task : undefined;
    const last = parts.at(-1);
    if (payload) parts.push(message(field.number, payload));
    else if (last && !(last instanceof Uint8Array) && last.end === field.keyStart) last.end = field.end;
    else parts.push({ start: field.keyStart, end: field.end });
    changed ||= payload !== undefined;
  }
  if (!changed) return undefined;
  // Kept fields are read only now that they are needed, each run of them as one range: from a Blob, thousands of
  // graph nodes are one read, and a model with nothing to move is never copied.
  const bytes: Uint8Array[] = [];
  for (const part of parts) bytes.push(part instanceof Uint8Array ? part : yield [part.start, part.end]);
  return concat(bytes);
}

/** The ModelProto with its graph's large initializers made external; undefined when none is large. */
function externalModel(size: number): Walk<Uint8Array | undefined> {
  return rewriteFields(0, size, (field) => (field.number !== MODEL.graph ? undefined
    : rewriteFields(field.start, field.end, (graphField) => (graphField.number === GRAPH.initializer ? externalTensor(graphField) : undefined))));
}

/**
 * The model with its large embedded initializers turned into external data into `model` itself (mount `model`
 * under INLINE_WEIGHTS_PATH), or undefined when it embeds none. Throws a RangeError on a malformed ModelProto.
 */
export function externalizeWeights(model: Uint8Array): Uint8Array | undefined {
  return walk(externalModel(model.length), model);
}

/** As externalizeWeights, but reads `model` from a Blob and never reads the large raw_data payloads (only keys, lengths and the small fields). */
export function externalizeWeightsFromBlob(model: Blob): Promise<Uint8Array | undefined> {
  return walkBlob(externalModel(model.size), model);
}
