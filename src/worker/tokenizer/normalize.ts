/**
 * Prompt normalisation exactly as openai's `simple_tokenizer.py` does it before BPE:
 * `whitespace_clean(basic_clean(text)).lower()`, where `basic_clean` is `ftfy.fix_text` (6.1.1, default
 * config), then Python's `html.unescape` twice, then `strip`.
 *
 * Of `ftfy.fix_text` this ports every fixer that the default config runs except mojibake repair
 * (`fix_encoding`: re-decoding text such as `Ã©` that was UTF-8 read as Latin-1 or windows-1252, with its
 * heuristics `restore_byte_a0`, `replace_lossy_sequences`, `decode_inconsistent_utf8`). That repair needs
 * ftfy's badness model and several codec tables, and a typed prompt practically never holds mojibake; such
 * text is tokenized as typed.
 */
import { c1AsWindows1252, ftfyHtmlUnescape, pythonHtmlUnescape } from './html-unescape.ts';

/**
 * Unicode White_Space, which is what Python's `regex` means by `\s`. JavaScript's `\s` differs (it adds
 * U+FEFF and lacks U+0085), so the tokenizer spells the class out.
 */
export const WHITESPACE = '\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const WHITESPACE_RUN = new RegExp(`[${WHITESPACE}]+`, 'g');
const EDGE_WHITESPACE = new RegExp(`^[${WHITESPACE}]+|[${WHITESPACE}]+$`, 'g');

// ftfy's chardata.LIGATURES: Latin ligatures and legacy digraphs, taken apart.
const LIGATURES: Readonly<Record<string, string>> = {
  'Ĳ': 'IJ', 'ĳ': 'ij', 'ŉ': 'ʼn', 'Ǳ': 'DZ', 'ǲ': 'Dz', 'ǳ': 'dz', 'Ǆ': 'DŽ', 'ǅ': 'Dž', 'ǆ': 'dž',
  'Ǉ': 'LJ', 'ǈ': 'Lj', 'ǉ': 'lj', 'Ǌ': 'NJ', 'ǋ': 'Nj', 'ǌ': 'nj',
  'ﬀ': 'ff', 'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'ſt', 'ﬆ': 'st',
};
const LIGATURE_RE = /[ĲĳŉǱǲǳǄǅǆǇǈǉǊǋǌﬀﬁﬂﬃﬄﬅﬆ]/g;
const C1_CONTROL_RE = /[\x80-\x9f]/g;
// ftfy's WIDTH_MAP: U+3000 and every halfwidth/fullwidth form (U+FF01-U+FFEF) with an NFKC alternative.
const WIDTH_RE = /[\u3000\uff01-\uffef]/g;
const SINGLE_QUOTE_RE = /[\u02bc\u2018-\u201b]/g;
const DOUBLE_QUOTE_RE = /[\u201c-\u201f]/g;
const LINE_BREAK_RE = /\r\n|[\r\u2028\u2029\x85]/g;
// Valid pairs match first and are kept; what is left is a lone surrogate. (No lookbehind: Safari < 16.4.)
const SURROGATE_RE = /[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g;
const ANSI_ESCAPE_RE = /\x1b\[(?:\p{Nd}|;)*[a-zA-Z]/gu;
// ftfy's CONTROL_CHARS: C0 controls except \t \n \f \r, DEL, deprecated Arabic format controls, the BOM,
// interlinear annotation characters and the object replacement character.
const CONTROL_RE = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g;

function fixWidth(char: string): string {
  return char === '\u3000' ? ' ' : char.normalize('NFKC');
}

/** One pass of ftfy's fixers over a segment, in `fix_and_explain`'s order. */
function fixOnce(text: string, unescape: boolean): string {
  let out = unescape ? ftfyHtmlUnescape(text) : text;
  out = out.replace(C1_CONTROL_RE, c1AsWindows1252);
  out = out.replace(LIGATURE_RE, (char) => LIGATURES[char] ?? char);
  out = out.replace(WIDTH_RE, fixWidth);
  out = out.replace(DOUBLE_QUOTE_RE, '"').replace(SINGLE_QUOTE_RE, "'");
  out = out.replace(LINE_BREAK_RE, '\n');
  out = out.replace(SURROGATE_RE, (unit) => (unit.length === 2 ? unit : '\ufffd'));
  out = out.replace(ANSI_ESCAPE_RE, '');
  out = out.replace(CONTROL_RE, '');
  return out.normalize('NFC');
}

/** `ftfy.fix_and_explain` without explanations: the fixers, repeated until the text stops changing. */
function fixSegment(segment: string, unescape: boolean): string {
  let text = segment;
  for (;;) {
    const fixed = fixOnce(text, unescape);
    if (fixed === text) return fixed;
    text = fixed;
  }
}

/**
 * `ftfy.fix_text` with the default config (minus mojibake repair): line by line, and once a line holds a `<`
 * ftfy assumes HTML and stops decoding entities for that line and every later one.
 */
export function fixText(text: string): string {
  let unescape = true;
  let out = '';
  let pos = 0;
  while (pos < text.length) {
    const newline = text.indexOf('\n', pos);
    const end = newline === -1 ? text.length : newline + 1;
    const segment = text.slice(pos, end);
    if (unescape && segment.includes('<')) unescape = false;
    out += fixSegment(segment, unescape);
    pos = end;
  }
  return out;
}

/** The text openai's CLIP tokenizer splits into words: `whitespace_clean(basic_clean(text)).lower()`. */
export function normalizePrompt(text: string): string {
  const cleaned = pythonHtmlUnescape(pythonHtmlUnescape(fixText(text))).replace(EDGE_WHITESPACE, '');
  return cleaned.replace(WHITESPACE_RUN, ' ').replace(EDGE_WHITESPACE, '').toLowerCase();
}
