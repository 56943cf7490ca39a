// custom-elements.json is generated from the element sources (`npx cem analyze`): the committed file must be what
// the analyzer makes now, and it must describe what the issue asks of each element.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');

interface Declaration {
  tagName?: string;
  attributes?: { name: string }[];
  events?: { name: string; type?: { text: string } }[];
  cssParts?: { name: string }[];
  cssProperties?: { name: string }[];
  slots?: { name: string }[];
}

describe('custom-elements.json', { timeout: 120_000 }, () => {
  it('is what the analyzer generates from the sources now', async () => {
    // cem resolves --outdir against the working directory; node_modules/.cache is ignored by git.
    const outdir = 'node_modules/.cache/web-diffusion-cem';
    rmSync(join(root, outdir), { recursive: true, force: true });
    try {
      await promisify(execFile)(process.execPath, [join(root, 'node_modules/@custom-elements-manifest/analyzer/cem.js'), 'analyze', '--outdir', outdir], { cwd: root });
      const fresh = JSON.parse(readFileSync(join(root, outdir, 'custom-elements.json'), 'utf8'));
      const committed = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8'));
      assert.deepEqual(committed, fresh, 'custom-elements.json is stale: run `npx cem analyze`');
    } finally {
      rmSync(join(root, outdir), { recursive: true, force: true });
    }
  });

  it('lists each element with its attributes, typed events, parts, slots and CSS properties', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8')) as { modules: { declarations?: Declaration[] }[] };
    const elements = new Map(manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName).map((d) => [d.tagName!, d]));
    const canvas = elements.get('diffusion-canvas')!;
    const names = (list: { name: string }[] | undefined) => (list ?? []).map((x) => x.name);
    for (const attribute of ['model', 'width', 'height', 'steps', 'guidance-scale', 'scheduler', 'seed', 'strength', 'tool', 'brush-size']) {
      assert.ok(names(canvas.attributes).includes(attribute), `attribute ${attribute}`);
    }
    assert.deepEqual(canvas.events?.map((e) => [e.name, e.type?.text]).sort(), [
      ['diffusion-complete', 'DiffusionCompleteEvent'], ['diffusion-error', 'DiffusionErrorEvent'],
      ['diffusion-mask-change', 'DiffusionMaskChangeEvent'], ['diffusion-progress', 'DiffusionProgressEvent'],
    ]);
    for (const part of ['progress', 'stage', 'mask', 'brush-cursor']) assert.ok(names(canvas.cssParts).includes(part), `part ${part}`);
    assert.ok(names(canvas.slots).includes('progress'), 'progress slot');
    assert.ok(names(canvas.cssProperties).includes('--diffusion-canvas-mask-color'), 'mask colour property');
    const box = elements.get('prompt-box')!;
    assert.ok(names(box.attributes).includes('for') && names(box.events).includes('diffusion-submit'), 'prompt-box for and diffusion-submit');
    assert.ok((box.cssProperties ?? []).length > 0 && (box.cssParts ?? []).length > 0, 'prompt-box parts and properties');
  });
});
