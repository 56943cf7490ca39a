/**
 * Finds the external-data files an ONNX model refers to, by walking just enough of its protobuf
 * (ModelProto.graph -> GraphProto.initializer -> TensorProto.external_data "location" entries).
 * onnxruntime-web needs each file under exactly the name recorded in the model, so we read it rather than guess.
 */

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_EXTERNAL_DATA = 13;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

/** One protobuf field: its number and wire type, where its key starts, and its payload `[start, end)`. */
export interface Field { readonly number: number; readonly keyStart: number; readonly start: number; readonly end: number; readonly wireType: number }

function readVarint(bytes: Uint8Array, position: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = position; i < bytes.length; i += 1) {
    const byte = bytes[i];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, i + 1];
    scale *= 128;
  }
  throw new RangeError('truncated varint');
}

/** Yields the top-level fields of one protobuf message in bytes[start, end). */
export function* fields(bytes: Uint8Array, start: number, end: number): Generator<Field> {
  let position = start;
  while (position < end) {
    const [key, afterKey] = readVarint(bytes, position);
    const wireType = key % 8;
    const number = Math.floor(key / 8);
    let fieldStart = afterKey;
    let fieldEnd: number;
    if (wireType === 0) fieldEnd = readVarint(bytes, afterKey)[1];
    else if (wireType === 1) fieldEnd = afterKey + 8;
    else if (wireType === 5) fieldEnd = afterKey + 4;
    else if (wireType === 2) {
      const [length, afterLength] = readVarint(bytes, afterKey);
      fieldStart = afterLength;
      fieldEnd = afterLength + length;
    } else throw new RangeError(`unsupported wire type ${wireType}`);
    if (fieldEnd > end) throw new RangeError('truncated field');
    yield { number, keyStart: position, start: fieldStart, end: fieldEnd, wireType };
    position = fieldEnd;
  }
}

const decoder = new TextDecoder();

function externalLocation(bytes: Uint8Array, tensor: Field): string | undefined {
  for (const entry of fields(bytes, tensor.start, tensor.end)) {
    if (entry.number !== TENSOR_EXTERNAL_DATA || entry.wireType !== 2) continue;
    let key = '';
    let value = '';
    for (const part of fields(bytes, entry.start, entry.end)) {
      const text = decoder.decode(bytes.subarray(part.start, part.end));
      if (part.number === ENTRY_KEY) key = text;
      if (part.number === ENTRY_VALUE) value = text;
    }
    if (key === 'location') return value;
  }
  return undefined;
}

/**
 * The distinct external-data locations recorded in an ONNX model, in first-use order.
 * Throws a RangeError when the bytes are not a well-formed ModelProto (a truncated download, say).
 */
export function externalDataLocations(model: Uint8Array): string[] {
  const locations = new Set<string>();
  for (const field of fields(model, 0, model.length)) {
    if (field.number !== MODEL_GRAPH || field.wireType !== 2) continue;
    for (const graphField of fields(model, field.start, field.end)) {
      if (graphField.number !== GRAPH_INITIALIZER || graphField.wireType !== 2) continue;
      const location = externalLocation(model, graphField);
      if (location) locations.add(location);
    }
  }
  return [...locations];
}
