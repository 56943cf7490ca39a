// The framework typings, checked with tsc: the fixtures in test/elements/typings/ (React 19 JSX, classic global JSX,
// Vue's GlobalComponents through `$props` and h()) must compile, and each line marked `@ts-expect-error` must be a
// real error: once as written (tsc fails on an unused directive), and once with the markers removed, where tsc must
// report errors on exactly the marked lines and nowhere else.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'test/elements/typings');
const FILES = ['react-usage.tsx', 'preact-usage.tsx', 'vue-usage.ts'];
const MARKER = '// @ts-expect-error';

async function tsc(project: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project, '--pretty', 'false'], { cwd: root });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('framework typings', { timeout: 180_000 }, () => {
  it('compile, with every marked mistake reported', async () => {
    const { code, output } = await tsc(join(fixtures, 'tsconfig.json'));
    assert.equal(code, 0, output);
  });

  it('report errors on exactly the marked lines when the markers are removed', async () => {
    // Inside node_modules so `vue` resolves as it does from the fixtures; ignored by git.
    const scratch = join(root, 'node_modules/.cache/web-diffusion-typings');
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    const expected: string[] = [];
    for (const file of FILES) {
      const lines = readFileSync(join(fixtures, file), 'utf8').split('\n');
      lines.forEach((line, i) => line.trim().startsWith(MARKER) && expected.push(`${file}:${i + 2}`));
      writeFileSync(join(scratch, file), lines.map((line) => (line.trim().startsWith(MARKER) ? '// (marker removed)' : line)).join('\n'));
    }
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ extends: join(fixtures, 'tsconfig.json'), files: FILES }));
    try {
      assert.ok(expected.length >= 6, `markers found: ${expected.join(', ')}`);
      const { code, output } = await tsc(join(scratch, 'tsconfig.json'));
      assert.notEqual(code, 0, 'tsc must fail without the markers');
      const reported = [...output.matchAll(/([\w-]+\.tsx?)\((\d+),\d+\): error TS\d+/g)].map((m) => `${m[1]}:${m[2]}`);
      assert.deepEqual([...new Set(reported)].sort(), [...expected].sort(), output);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
