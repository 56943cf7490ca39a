// The house's size rules, checked on src/ (issue 13.5): files at most 300 lines, functions at most 40. A function
// counts from its first line to its closing brace (its signature and doc comment excluded), parsed by TypeScript.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 40;

const sources = (readdirSync('src', { recursive: true }) as string[])
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).map((file) => join('src', file));

function lines(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** `file:line name (n lines)` for every function-like node with a body longer than the rule. */
function longFunctions(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.body.getEnd()).line;
      const length = last - first + 1;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      if (length > MAX_FUNCTION_LINES) found.push(`${file}:${first + 1} ${name} (${length} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('size rules', () => {
  it(`no file in src/ is longer than ${MAX_FILE_LINES} lines`, () => {
    const long = sources.map((file) => [file, lines(readFileSync(file, 'utf8'))] as const).filter(([, n]) => n > MAX_FILE_LINES);
    assert.deepEqual(long.map(([file, n]) => `${file} (${n} lines)`), []);
  });

  it(`no function in src/ is longer than ${MAX_FUNCTION_LINES} lines`, () => {
    assert.deepEqual(sources.flatMap(longFunctions), []);
  });
});
