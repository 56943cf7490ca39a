/**
 * GPT-2/CLIP byte-level alphabet: every byte gets a printable stand-in character, so BPE can work on
 * strings without ever meeting whitespace or control characters, and any UTF-8 text is representable.
 */

/** The 256 stand-ins in `bytes_to_unicode()`'s dict order, which is also their order in the CLIP vocabulary. */
export interface ByteAlphabet {
  /** The bytes in vocabulary order: printable ones (`!`-`~`, `¡`-`¬`, `®`-`ÿ`) first, then the rest. */
  readonly bytes: readonly number[];
  /** Stand-in character for each byte value (index = byte). */
  readonly encoder: readonly string[];
  /** Byte value for each stand-in character. */
  readonly decoder: ReadonlyMap<string, number>;
}

function isPrintable(byte: number): boolean {
  return (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
}

function build(): ByteAlphabet {
  const bytes: number[] = [];
  const encoder: string[] = new Array<string>(256);
  for (let b = 0; b < 256; b++) {
    if (isPrintable(b)) {
      bytes.push(b);
      encoder[b] = String.fromCharCode(b);
    }
  }
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (isPrintable(b)) continue;
    bytes.push(b);
    encoder[b] = String.fromCharCode(256 + n);
    n += 1;
  }
  const decoder = new Map(encoder.map((char, byte) => [char, byte] as const));
  return { bytes, encoder, decoder };
}

let alphabet: ByteAlphabet | undefined;

/** The byte alphabet of openai's `bytes_to_unicode()`, built once. */
export function byteAlphabet(): ByteAlphabet {
  alphabet ??= build();
  return alphabet;
}

const utf8 = new TextEncoder();

/** A word's UTF-8 bytes spelled in the byte alphabet (a lone surrogate encodes as U+FFFD, as in UTF-8). */
export function encodeBytes(word: string): string {
  const { encoder } = byteAlphabet();
  let out = '';
  for (const byte of utf8.encode(word)) out += encoder[byte];
  return out;
}

/** Turns byte-alphabet text back into bytes; characters outside the alphabet contribute their own UTF-8. */
export function decodeBytes(text: string): Uint8Array {
  const { decoder } = byteAlphabet();
  const out: number[] = [];
  for (const char of text) {
    const byte = decoder.get(char);
    if (byte !== undefined) out.push(byte);
    else out.push(...utf8.encode(char));
  }
  return Uint8Array.from(out);
}
