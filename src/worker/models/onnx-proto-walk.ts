/**
 * The protobuf reading that the ONNX walks share (onnx-external-data.ts, onnx-inline-weights.ts,
 * onnx-conv-channels.ts): ONNX's field numbers, and walks written as generators that yield each byte range they need
 * (sans I/O). `walk` answers them from a Uint8Array, `walkBlob` from a Blob through one small cached block, so a
 * model stored as chunk Blobs is parsed without its weight payloads ever being read.
 */

/** The field numbers of onnx.proto that the walks read or write, by message. */
export const ONNX_FIELDS = {
  model: { graph: 7 },
  graph: { node: 1, initializer: 5 },
  node: { input: 1, opType: 4 },
  tensor: { dims: 1, name: 8, rawData: 9, externalData: 13, dataLocation: 14 },
  /** StringStringEntryProto, the entries of `external_data`. */
  entry: { key: 1, value: 2 },
} as const;

/** The wire type of strings, bytes and embedded messages. */
export const LENGTH_DELIMITED = 2;

/** One protobuf field: its number and wire type, where its key starts, and its payload `[start, end)`. */
export interface Field { readonly number: number; readonly keyStart: number; readonly start: number; readonly end: number; readonly wireType: number }

/** A walk over a model's bytes: it yields each `[start, end)` it needs and is answered with those bytes. */
export type Walk<T> = Generator<readonly [start: number, end: number], T, Uint8Array>;

/** A varint is at most 10 bytes; asking for more would read into the payload that follows. */
const VARINT_BYTES = 10;

/** The varint at `position` (reading no further than `end`), and where the next field starts. */
export function* varint(position: number, end: number): Walk<[value: number, next: number]> {
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

/** The varints of a field's payload: a packed repeated field, or one unpacked value. */
export function* varints(field: Field): Walk<number[]> {
  const out: number[] = [];
  for (let at = field.start; at < field.end;) {
    const [value, next] = yield* varint(at, field.end);
    out.push(value);
    at = next;
  }
  return out;
}

const decoder = new TextDecoder();

/** A string field's text. */
export function* text(field: Field): Walk<string> {
  return decoder.decode(yield [field.start, field.end]);
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
    else if (wireType === LENGTH_DELIMITED) {
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
