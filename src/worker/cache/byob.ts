/**
 * Reading bytes without leaving garbage behind. A default stream reader hands out a fresh ArrayBuffer per read, and
 * `blob.arrayBuffer()` one per chunk: for a 1.7 GB file that is gigabytes of dead buffers that the garbage collector
 * frees late, which is most of what pushed a load's peak memory past the file's size. BYOB ("bring your own
 * buffer") readers fill a buffer we own instead. Where a browser has no byte streams, both fall back to copying.
 *
 * Hazard: a BYOB read transfers the buffer it fills (the old `ArrayBuffer` is detached); always continue with the
 * buffer the read returns, and never keep views of the old one.
 */

/** Bytes per read of a response body: large enough for few reads, small enough to be noise next to a chunk. */
const STAGING_BYTES = 1 << 20;

function byobReader(stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return stream.getReader({ mode: 'byob' });
  } catch {
    return undefined; // not a byte stream in this browser
  }
}

/**
 * The pieces of a response body, as they arrive. Each piece is a view of one reused buffer and is valid only until
 * the next piece is asked for: copy it out first. An early exit (an error in the caller's loop) cancels the body.
 */
export async function* bodyPieces(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const byob = byobReader(body);
  const reader = byob ?? body.getReader();
  let finished = false;
  let buffer = new ArrayBuffer(STAGING_BYTES);
  try {
    for (;;) {
      const { done, value } = byob ? await byob.read(new Uint8Array(buffer)) : await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
      if (done) break;
      yield value;
      if (byob) buffer = value.buffer as ArrayBuffer;
    }
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Reads all of `blob` into `target` at `offset`; resolves to `target`'s bytes as a view of the buffer they now live
 * in (a BYOB read moves them to a new `ArrayBuffer` object: `target` itself is detached afterwards). Rejects when
 * the blob cannot be read or holds fewer bytes than its size; `target` is then unusable.
 */
export async function readBlobInto(blob: Blob, target: Uint8Array<ArrayBuffer>, offset: number): Promise<Uint8Array<ArrayBuffer>> {
  const end = offset + blob.size;
  if (end > target.length) throw new RangeError(`${blob.size} bytes do not fit at ${offset} of ${target.length}.`);
  const reader = byobReader(blob.stream());
  if (!reader) {
    target.set(new Uint8Array(await blob.arrayBuffer()), offset);
    return target;
  }
  const { byteOffset, length } = target;
  let buffer = target.buffer;
  try {
    for (let position = offset; position < end;) {
      const { done, value } = await reader.read(new Uint8Array(buffer, byteOffset + position, end - position));
      if (!value) throw new Error('the blob stream was cancelled');
      buffer = value.buffer as ArrayBuffer;
      if (done) throw new Error(`the blob ended at byte ${position - offset} of ${blob.size}`);
      position += value.length;
    }
  } finally {
    // Cancelling (not just unlocking) ends the browser's read of the blob: an open one keeps the stored blob busy.
    await reader.cancel().catch(() => undefined);
  }
  return new Uint8Array(buffer, byteOffset, length);
}
