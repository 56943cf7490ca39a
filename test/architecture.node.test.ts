// The layering of decision 0007, checked on the real import graph of src/: elements -> sdk -> worker, with
// worker/protocol/ the only part of worker/ the SDK may take values from.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

interface Import { readonly from: string; readonly to: string; readonly typeOnly: boolean }

const SRC = resolve('src');
const sources = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).map((file) => join('src', file));

/** Every static and dynamic import of a file, relative ones resolved to a path under src/. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const match of text.matchAll(pattern)) {
    const spec = match[3] ?? match[4];
    const to = spec.startsWith('.') ? relative('.', resolve(dirname(file), spec)) : spec;
    found.push({ from: file, to, typeOnly: Boolean(match[2]) });
  }
  return found;
}

const graph = sources.flatMap(importsOf);
const layer = (path: string) => /^src\/(sdk|elements|worker)\//.exec(path)?.[1];
const describeAll = (list: Import[]) => list.map((i) => `${i.from} -> ${i.to}${i.typeOnly ? ' (type)' : ''}`).join('\n');

describe('architecture', () => {
  it('onnxruntime-web has exactly one importer', () => {
    const importers = graph.filter((i) => i.to.startsWith('onnxruntime-web')).map((i) => i.from);
    assert.deepEqual([...new Set(importers)], ['src/worker/runtime/ort.ts']);
  });

  it('idb-keyval has exactly one importer', () => {
    const importers = [...new Set(graph.filter((i) => i.to === 'idb-keyval').map((i) => i.from))];
    assert.equal(importers.length, 1, describeAll(graph.filter((i) => i.to === 'idb-keyval')));
    assert.match(importers[0], /^src\/worker\/cache\//);
  });

  it('the worker never imports the SDK or the elements', () => {
    const upward = graph.filter((i) => layer(i.from) === 'worker' && ['sdk', 'elements'].includes(layer(i.to) ?? ''));
    assert.deepEqual(upward, [], describeAll(upward));
  });

  it('the SDK imports from the worker only types, and values only from worker/protocol/', () => {
    const values = graph.filter((i) => layer(i.from) === 'sdk' && layer(i.to) === 'worker' && !i.typeOnly
      && !i.to.startsWith('src/worker/protocol/'));
    assert.deepEqual(values, [], describeAll(values));
  });

  it('worker/protocol/ takes values only from itself', () => {
    const outside = graph.filter((i) => i.from.startsWith('src/worker/protocol/') && !i.typeOnly
      && i.to.startsWith('src/') && !i.to.startsWith('src/worker/protocol/'));
    assert.deepEqual(outside, [], describeAll(outside));
  });

  it('the SDK never imports the elements', () => {
    const up = graph.filter((i) => layer(i.from) === 'sdk' && layer(i.to) === 'elements');
    assert.deepEqual(up, [], describeAll(up));
  });

  it('the elements import only the SDK, Lit and each other', () => {
    const allowed = (to: string) => layer(to) === 'sdk' || layer(to) === 'elements' || /^lit(\/|$)/.test(to);
    const other = graph.filter((i) => layer(i.from) === 'elements' && !allowed(i.to));
    assert.deepEqual(other, [], describeAll(other));
  });
});
