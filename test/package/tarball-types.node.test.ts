// The packed tarball as a consumer gets it: `npm pack`, install it into a throwaway project, and run tsc
// there. The documented API must compile (test/package/consumer/uses-api.ts), and the deliberate mistakes in
// mistakes.ts must be reported on exactly their lines, so the shipped types are real and not `any`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');
const sources = join(root, 'test/package/consumer');
const run = promisify(execFile);

interface Outcome { code: number; output: string }

async function command(file: string, args: string[], cwd: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: failed.stdout + failed.stderr };
  }
}

const npm = (args: string[], cwd: string) => command('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], cwd);
const tsc = (project: string, cwd: string) =>
  command(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project, '--pretty', 'false'], cwd);

/** A consumer's strict tsconfig, checking the package's declaration files too (no skipLibCheck). */
function tsconfig(files: string[]): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      strict: true, noEmit: true, skipLibCheck: false, types: [],
    },
    files,
  });
}

describe('the packed tarball', { timeout: 300_000 }, () => {
  let consumer = '';

  before(async () => {
    const built = await npm(['run', 'build:types'], root);
    assert.equal(built.code, 0, built.output);
    consumer = mkdtempSync(join(tmpdir(), 'wd-consumer-'));
    const packed = await npm(['pack', '--json', '--pack-destination', consumer], root);
    assert.equal(packed.code, 0, packed.output);
    const tarball = (JSON.parse(packed.output.slice(packed.output.indexOf('['))) as { filename: string }[])[0]!.filename;
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // Installed as npm would, offline: the tarball unpacked into node_modules/web-diffusion, and its dependencies
    // linked from this checkout's node_modules (npm's cache holds their tarballs but not their registry metadata).
    const modules = join(consumer, 'node_modules');
    mkdirSync(join(modules, 'web-diffusion'), { recursive: true });
    const unpacked = await command('tar', ['-xzf', join(consumer, tarball), '-C', join(modules, 'web-diffusion'), '--strip-components=1'], consumer);
    assert.equal(unpacked.code, 0, unpacked.output);
    const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(dependencies)) symlinkSync(join(root, 'node_modules', name), join(modules, name), 'dir');
    for (const file of ['uses-api.ts', 'mistakes.ts']) copyFileSync(join(sources, file), join(consumer, file));
    writeFileSync(join(consumer, 'tsconfig.json'), tsconfig(['uses-api.ts']));
    writeFileSync(join(consumer, 'tsconfig.mistakes.json'), tsconfig(['mistakes.ts']));
  });

  after(() => consumer && rmSync(consumer, { recursive: true, force: true }));

  it('ships declarations for every `types` entry in exports', () => {
    const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules/web-diffusion/package.json'), 'utf8')) as
      { exports: Record<string, { types?: string } | string> };
    const entries = Object.values(manifest.exports).flatMap((entry) => (typeof entry === 'object' && entry.types ? [entry.types] : []));
    assert.ok(entries.length >= 8, entries.join(', '));
    for (const types of entries) readFileSync(join(consumer, 'node_modules/web-diffusion', types), 'utf8');
  });

  it('compiles the documented API with tsc', async () => {
    const { code, output } = await tsc('tsconfig.json', consumer);
    assert.equal(code, 0, output);
  });

  it('reports each deliberate mistake, and only those', async () => {
    const lines = readFileSync(join(sources, 'mistakes.ts'), 'utf8').split('\n');
    const expected = lines.flatMap((line, i) => (line.trim().startsWith('// wrong:') ? [i + 2] : []));
    const { code, output } = await tsc('tsconfig.mistakes.json', consumer);
    assert.notEqual(code, 0, 'tsc must fail on mistakes.ts');
    const reported = [...output.matchAll(/mistakes\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1]));
    assert.deepEqual([...new Set(reported)], expected, output);
  });
});
