// Prompt normalisation: Python's html.unescape (real outputs), ftfy's unescape_html and fixers, whitespace.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ftfyHtmlUnescape, pythonHtmlUnescape } from '../../../src/worker/tokenizer/html-unescape.ts';
import { fixText, normalizePrompt } from '../../../src/worker/tokenizer/normalize.ts';

const derived = JSON.parse(readFileSync(new URL('./derived-cases.json', import.meta.url), 'utf8')) as {
  prompts: { name: string; text: string; normalized: string }[];
  python_html_unescape: [string, string][];
};

describe('pythonHtmlUnescape', () => {
  for (const [input, expected] of derived.python_html_unescape) {
    it(`decodes ${JSON.stringify(input)} as Python 3.11 does`, () => {
      assert.equal(pythonHtmlUnescape(input), expected);
    });
  }

  it('leaves HTML 5-only names as typed (a documented, deliberate gap)', () => {
    assert.equal(pythonHtmlUnescape('&HilbertSpace;'), '&HilbertSpace;');
  });
});

describe('ftfyHtmlUnescape', () => {
  const cases: [string, string][] = [
    ['&lt;tag&gt;', '<tag>'],
    ['P&eacute;rez', 'Pérez'],
    ['P&EACUTE;REZ', 'PÉREZ'],
    ['BUNDESSTRA&SZLIG;E', 'BUNDESSTRASSE'],
    ['&ntilde; &Ntilde; &NTILDE; &nTILDE;', 'ñ Ñ Ñ &nTILDE;'],
    ['this&not that', 'this&not that'],
    ['&amp no semicolon', '&amp no semicolon'],
    ['&#x2019;&#8217;&#xZZ;', '\u2019\u2019&#xZZ;'],
    ['&#0;', '\ufffd'],
  ];
  for (const [input, expected] of cases) {
    it(`decodes ${JSON.stringify(input)} as ftfy does`, () => assert.equal(ftfyHtmlUnescape(input), expected));
  }
});

describe('fixText (ftfy.fix_text without mojibake repair)', () => {
  const cases: [string, string][] = [
    ['\uff2c\uff2f\uff35\uff24\u3000\uff2e\uff2f\uff29\uff33\uff25\uff33', 'LOUD NOISES'],
    ['\uff35\uff80\uff70\uff9d', 'Uターン'],
    ['\ufb02u\ufb03e\ufb06', 'fluffiest'],
    ['\u201chere\u2019s a test\u201d', '"here\'s a test"'],
    ['Broken text&hellip; it&#x2019;s \ufb02ubberi\ufb01c!', 'Broken text\u2026 it\'s flubberific!'],
    ['HTML entities &lt;3', 'HTML entities <3'],
    ['<em>HTML entities &lt;3</em>', '<em>HTML entities &lt;3</em>'],
    ['\u0001\u001b[36;44mI&#x92;m blue\u001b[0m', 'I\'m blue'],
    ['one\r\ntwo\rthree\u2028four\u2029five\u0085', 'one\ntwo\nthree\nfour\nfive\u2026'],
    ['e\u0301', '\u00e9'],
    ['\ufeffParty', 'Party'],
    ['&amp;amp;amp;', '&'],
    ['\ud83d\ude00 \ud83d \ude00', '\ud83d\ude00 \ufffd \ufffd'],
  ];
  for (const [input, expected] of cases) {
    it(`fixes ${JSON.stringify(input)}`, () => assert.equal(fixText(input), expected));
  }

  it('stops decoding entities from the first line holding a "<"', () => {
    assert.equal(fixText('a &amp; b\n<p> &amp;\nc &amp;'), 'a & b\n<p> &amp;\nc &amp;');
  });
});

describe('normalizePrompt', () => {
  for (const prompt of derived.prompts) {
    it(`normalises the derived case ${prompt.name}`, () => assert.equal(normalizePrompt(prompt.text), prompt.normalized));
  }

  it('collapses Unicode White_Space (not U+FEFF, not U+200B) and lower-cases', () => {
    assert.equal(normalizePrompt(' \t A\u00a0\u2003B\n\nC\u200bD '), 'a b c\u200bd');
  });
});
