/**
 * The two HTML unescapers openai's CLIP tokenizer runs on every prompt: ftfy's cautious `unescape_html`
 * (inside `ftfy.fix_text`) and Python's `html.unescape` (run twice afterwards). They differ on purpose:
 * ftfy decodes only references that end in `;`, Python also decodes legacy names without it (`&amp` `&copy`)
 * and the longest known prefix of an unknown name (`&notit;` -> `¬it;`).
 */
import { htmlEntities } from './html-entities.ts';

// Python's html._invalid_charrefs: the HTML 5 numeric-reference fix-ups (C1 bytes read as windows-1252).
const INVALID_CHARREFS = new Map<number, string>([
  [0x00, '\ufffd'], [0x0d, '\r'], [0x80, '\u20ac'], [0x81, '\x81'], [0x82, '\u201a'], [0x83, '\u0192'],
  [0x84, '\u201e'], [0x85, '\u2026'], [0x86, '\u2020'], [0x87, '\u2021'], [0x88, '\u02c6'], [0x89, '\u2030'],
  [0x8a, '\u0160'], [0x8b, '\u2039'], [0x8c, '\u0152'], [0x8d, '\x8d'], [0x8e, '\u017d'], [0x8f, '\x8f'],
  [0x90, '\x90'], [0x91, '\u2018'], [0x92, '\u2019'], [0x93, '\u201c'], [0x94, '\u201d'], [0x95, '\u2022'],
  [0x96, '\u2013'], [0x97, '\u2014'], [0x98, '\u02dc'], [0x99, '\u2122'], [0x9a, '\u0161'], [0x9b, '\u203a'],
  [0x9c, '\u0153'], [0x9d, '\x9d'], [0x9e, '\u017e'], [0x9f, '\u0178'],
]);

/** The windows-1252 reading of a C1 control character (U+0080-U+009F); unassigned bytes stay as they are. */
export function c1AsWindows1252(char: string): string {
  return INVALID_CHARREFS.get(char.charCodeAt(0)) ?? char;
}

/** Python's html._invalid_codepoints: numeric references that decode to nothing. */
function isInvalidCodePoint(cp: number): boolean {
  return (cp >= 0x1 && cp <= 0x8) || cp === 0xb || (cp >= 0xe && cp <= 0x1f) || (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;
}

/** Decodes one numeric reference's digits exactly as Python's `html._replace_charref`. */
function decodeNumeric(digits: string, hex: boolean): string {
  const cp = parseInt(digits, hex ? 16 : 10);
  const fixed = INVALID_CHARREFS.get(cp);
  if (fixed !== undefined) return fixed;
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return '\ufffd';
  if (isInvalidCodePoint(cp)) return '';
  return String.fromCodePoint(cp);
}

// Python's `html._charref`; the `u` flag makes `{1,32}` count code points, as Python does.
const PYTHON_CHARREF = /&(?:#([0-9]+);?|#[xX]([0-9a-fA-F]+);?|[^\t\n\f <&#;]{1,32};?)/gu;

/** Decodes a named reference as Python's `html.unescape` does; `body` includes the `;` when there was one. */
function decodePythonNamed(body: string): string {
  const { withSemicolon, legacy } = htmlEntities();
  if (body.endsWith(';')) {
    const known = withSemicolon.get(body.slice(0, -1));
    if (known !== undefined) return known;
  } else {
    const known = legacy.get(body);
    if (known !== undefined) return known;
  }
  // The longest legacy name that is a proper prefix (at least 2 characters) wins, the rest stays as typed.
  for (let end = body.length - 1; end > 1; end--) {
    const known = legacy.get(body.slice(0, end));
    if (known !== undefined) return known + body.slice(end);
  }
  return `&${body}`;
}

/** Python's `html.unescape`: every HTML 5 character reference, with its error recovery. */
export function pythonHtmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(PYTHON_CHARREF, (match, dec?: string, hex?: string) => {
    if (dec !== undefined) return decodeNumeric(dec, false);
    if (hex !== undefined) return decodeNumeric(hex, true);
    return decodePythonNamed(match.slice(1));
  });
}

const FTFY_CHARREF = /&#?[0-9A-Za-z]{1,24};/g;

/** ftfy's named lookup: exact names, and all-caps spellings of lower-case names (`&EACUTE;` -> `É`). */
function decodeFtfyNamed(name: string): string | undefined {
  const { withSemicolon } = htmlEntities();
  const exact = withSemicolon.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  if (name !== name.toUpperCase() || lower === name) return undefined;
  const char = withSemicolon.get(lower);
  return char === undefined ? undefined : char.toUpperCase();
}

/** ftfy's `unescape_html`: only references closed by `;`, numeric ones via Python's rules. */
export function ftfyHtmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(FTFY_CHARREF, (match) => {
    if (match.startsWith('&#')) {
      const decoded = pythonHtmlUnescape(match);
      return decoded.includes(';') ? match : decoded;
    }
    return decodeFtfyNamed(match.slice(1, -1)) ?? match;
  });
}
