/**
 * Finds the external-data files an ONNX model refers to, by walking just enough of its protobuf
 * (ModelProto.graph -> GraphProto.initializer -> TensorProto.external_data "location" entries).
 * onnxruntime-web needs each file under exactly the name recorded in the model, so we read it rather than guess.
 *
 * The walks here and in onnx-inline-weights.ts are written once, as generators that yield each byte range they
 * need (sans I/O): `walk` answers from a Uint8Array, `walkBlob` from a Blob through one small cached block, so a
 * model stored as chunk Blobs is parsed without its weight payloads ever being read.
 */

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_EXTERNAL_DATA = 13;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;

/** One protobuf field: its number and wire type, where its key starts, and its payload `[start, end)`. */
export interface Field { readonly number: number; readonly keyStart: number; readonly start: number; readonly end: number; readonly wireType: number }

/** A walk over a model's bytes: it yields each `[start, end)` it needs and is answered with those bytes. */
export type Walk<T> = Generator<readonly [start: number, end: number], T, Uint8Array>;

/** A varint is at most 10 bytes; asking for more would read into the payload that follows. */
const VARINT_BYTES = 10;

function* varint(position: number, end: number): Walk<[value: number, next: number]> {
  let value = 0;
  let scale = 1;
  for (let at = position; at < end; at += VARINT_BYTES) {
    const bytes = yield [at, Math.min(at + VARINT_BYTES, end)];
    for (let i = 0; i < bytes.length; i += 1) {
      value += (bytes[i] & 0x7f) * scale;
      if ((bytes[i] & 0x80) === 0) return [value, at + i + 1];
      scale *= 128;
    }
  }
  throw new RangeError('truncated varint');
}

/** The top-level fields of one protobuf message in [start, end), reading only their keys and lengths. */
export function* fields(start: number, end: number): Walk<Field[]> {
  const out: Field[] = [];
  let position = start;
  while (position < end) {
    const [key, afterKey] = yield* varint(position, end);
    const wireType = key % 8;
    let fieldStart = afterKey;
    let fieldEnd: number;
    if (wireType === 0) fieldEnd = (yield* varint(afterKey, end))[1];
    else if (wireType === 1) fieldEnd = afterKey + 8;
    else if (wireType === 5) fieldEnd = afterKey + 4;
    else if (wireType === 2) {
      const [length, afterLength] = yield* varint(afterKey, end);
      fieldStart = afterLength;
      fieldEnd = afterLength + length;
    } else throw new RangeError(`unsupported wire type ${wireType}`);
    if (fieldEnd > end) throw new RangeError('truncated field');
    out.push({ number: Math.floor(key / 8), keyStart: position, start: fieldStart, end: fieldEnd, wireType });
    position = fieldEnd;
  }
  return out;
}

/** Runs a walk over bytes in memory. */
export function walk<T>(task: Walk<T>, bytes: Uint8Array): T {
  let step = task.next();
  while (!step.done) step = task.next(bytes.subarray(step.value[0], step.value[1]));
  return step.value;
}

/**
 * Reads are served from one cached block: parsing is sequential, so thousands of small graph nodes cost a few reads.
 * 64 KiB rather than more because each block that starts at a tensor's key also reads that far into its payload.
 */
const BLOCK_BYTES = 64 * 1024;

/** Runs a walk over a Blob, keeping only the current block in memory; a range larger than a block is read exactly. */
export async function walkBlob<T>(task: Walk<T>, blob: Blob): Promise<T> {
  let blockStart = 0;
  let block = new Uint8Array(0);
  let step = task.next();
  while (!step.done) {
    const [start, end] = step.value;
    let bytes: Uint8Array;
    if (start >= blockStart && end <= blockStart + block.length) bytes = block.slice(start - blockStart, end - blockStart);
    else if (end - start > BLOCK_BYTES) bytes = new Uint8Array(await blob.slice(start, end).arrayBuffer());
    else {
      block = new Uint8Array(await blob.slice(start, Math.min(start + BLOCK_BYTES, blob.size)).arrayBuffer());
      blockStart = start;
      bytes = block.slice(0, end - start);
    }
    // Copies (slice), not views: a view would keep its block alive for as long as the walk holds the bytes.
    step = task.next(bytes);
  }
  return step.value;
}

const decoder = new TextDecoder();

function* externalLocation(tensor: Field): Walk<string | undefined> {
  for (const entry of yield* fields(tensor.start, tensor.end)) {
    if (entry.number !== TENSOR_EXTERNAL_DATA || entry.wireType !== 2) continue;
    let key = '';
    let value = '';
    for (const part of yield* fields(entry.start, entry.end)) {
      const text = decoder.decode(yield [part.start, part.end]);
      if (part.number === ENTRY_KEY) key = text;
      if (part.number === ENTRY_VALUE) value = text;
    }
    if (key === 'location') return value;
  }
  return undefined;
}

function* locations(size: number): Walk<string[]> {
  const found = new Set<string>();
  for (const field of yield* fields(0, size)) {
    if (field.number !== MODEL_GRAPH || field.wireType !== 2) continue;
    for (const graphField of yield* fields(field.start, field.end)) {
      if (graphField.number !== GRAPH_INITIALIZER || graphField.wireType !== 2) continue;
      const location = yield* externalLocation(graphField);
      if (location) found.add(location);
    }
  }
  return [...found];
}

/**
 * The distinct external-data locations recorded in an ONNX model, in first-use order.
 * Throws a RangeError when the bytes are not a well-formed ModelProto (a truncated download, say).
 */
export function externalDataLocations(model: Uint8Array): string[] {
  return walk(locations(model.length), model);
}

/** As externalDataLocations, reading `model` from a Blob without its weight payloads. */
export function externalDataLocationsFromBlob(model: Blob): Promise<string[]> {
  return walkBlob(locations(model.size), model);
}
