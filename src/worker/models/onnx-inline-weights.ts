/**
 * Hands an ONNX file's embedded weights to onnxruntime-web as external data that points back into the same bytes.
 *
 * Why: given a model buffer, onnxruntime-web copies it into its WASM heap and parses it there, so each weight exists
 * three times (our bytes, ORT's copy, the parsed protobuf) before the session's own tensor is even allocated: about
 * 4x the file at the peak, measured in bench/cache.bench.ts. External data is copied by ORT straight from our bytes
 * into each tensor (on WebGPU, into GPU buffers), and only the small graph is parsed. The rewrite copies no weight:
 * the new model holds the graph, and every large `raw_data` becomes `external_data` {location, offset, length}
 * into the original file, which is mounted under INLINE_WEIGHTS_PATH.
 */
import { fields, type Field } from './onnx-external-data.ts';

/** The external-data name under which the original file is mounted. */
export const INLINE_WEIGHTS_PATH = 'web-diffusion-inline-weights.bin';

/** Smaller tensors stay inline: moving them saves nothing and costs a lookup each. */
const MIN_EXTERNAL_BYTES = 4096;

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const DATA_LOCATION_EXTERNAL = 1;
const LENGTH_DELIMITED = 2;

const encoder = new TextEncoder();

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
  return message(TENSOR_EXTERNAL_DATA, concat([message(1, encoder.encode(key)), message(2, encoder.encode(value))]));
}

/** The TensorProto without its large `raw_data`, pointing at those bytes in the file instead; undefined when small. */
function externalTensor(model: Uint8Array, tensor: Field): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let raw: Field | undefined;
  for (const field of fields(model, tensor.start, tensor.end)) {
    if (field.number === TENSOR_RAW_DATA && field.wireType === LENGTH_DELIMITED) raw = field;
    else if (field.number !== TENSOR_DATA_LOCATION) parts.push(model.subarray(field.keyStart, field.end));
  }
  if (!raw || raw.end - raw.start < MIN_EXTERNAL_BYTES) return undefined;
  parts.push(entry('location', INLINE_WEIGHTS_PATH), entry('offset', String(raw.start)), entry('length', String(raw.end - raw.start)));
  parts.push(new Uint8Array([...varint(TENSOR_DATA_LOCATION * 8), DATA_LOCATION_EXTERNAL]));
  return concat(parts);
}

/** The GraphProto with its large initializers made external; undefined when none is large. */
function externalGraph(model: Uint8Array, graph: Field): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let changed = false;
  for (const field of fields(model, graph.start, graph.end)) {
    const tensor = field.number === GRAPH_INITIALIZER && field.wireType === LENGTH_DELIMITED ? externalTensor(model, field) : undefined;
    parts.push(tensor ? message(GRAPH_INITIALIZER, tensor) : model.subarray(field.keyStart, field.end));
    changed ||= tensor !== undefined;
  }
  return changed ? concat(parts) : undefined;
}

/**
 * The model with its large embedded initializers turned into external data into `model` itself (mount `model`
 * under INLINE_WEIGHTS_PATH), or undefined when it embeds none. Throws a RangeError on a malformed ModelProto.
 */
export function externalizeWeights(model: Uint8Array): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let changed = false;
  for (const field of fields(model, 0, model.length)) {
    const graph = field.number === MODEL_GRAPH && field.wireType === LENGTH_DELIMITED ? externalGraph(model, field) : undefined;
    parts.push(graph ? message(MODEL_GRAPH, graph) : model.subarray(field.keyStart, field.end));
    changed ||= graph !== undefined;
  }
  return changed ? concat(parts) : undefined;
}
