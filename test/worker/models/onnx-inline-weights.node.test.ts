// externalizeWeights turns large embedded initializers into external data pointing into the same file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { externalizeWeights, INLINE_WEIGHTS_PATH } from '../../../src/worker/models/onnx-inline-weights.ts';

const { onnx } = onnxProto;

function model(initializers: onnx.ITensorProto[]): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'g', initializer: initializers, node: [{ opType: 'Add', input: ['x', 'big'], output: ['y'] }],
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, producerName: 'test', graph, opsetImport: [{ domain: '', version: 17 }] })).finish();
}

const raw = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);
const tensor = (name: string, bytes: number, seed = 1) => ({ name, dims: [bytes / 4], dataType: 1, rawData: raw(bytes, seed) });

/** The bytes each initializer of `graph` stands for, read back from `file` where they are external. */
function weights(graph: onnx.IGraphProto, file: Uint8Array): Map<string, Uint8Array> {
  return new Map((graph.initializer ?? []).map((t) => {
    const entries = Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
    if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) return [t.name!, Uint8Array.from(t.rawData ?? [])];
    // Weights that were external already stay where they were.
    if (entries.location !== INLINE_WEIGHTS_PATH) return [t.name!, new TextEncoder().encode(JSON.stringify(entries))];
    return [t.name!, Uint8Array.from(file.subarray(Number(entries.offset), Number(entries.offset) + Number(entries.length)))];
  }));
}

describe('externalizeWeights', () => {
  it('moves large initializers out, keeps small ones, and the bytes they point at are the same', () => {
    const file = model([tensor('big', 64 * 1024, 1), tensor('small', 64, 2), tensor('big2', 8192, 3)]);
    const graph = externalizeWeights(file)!;
    assert.ok(graph.length < 1024, `graph is ${graph.length} bytes`);
    const before = onnx.ModelProto.decode(file);
    const after = onnx.ModelProto.decode(graph);
    assert.deepEqual(weights(after.graph!, file), weights(before.graph!, file));
    assert.deepEqual(after.graph!.initializer!.map((t) => [t.name, t.dataLocation ?? 0, (t.rawData ?? []).length, t.externalData?.[0]?.value ?? '']),
      [['big', 1, 0, INLINE_WEIGHTS_PATH], ['small', 0, 64, ''], ['big2', 1, 0, INLINE_WEIGHTS_PATH]]);
    assert.deepEqual(after.graph!.node, before.graph!.node);
    assert.equal(after.producerName, 'test');
    assert.deepEqual(after.opsetImport, before.opsetImport);
  });

  it('returns undefined when nothing is large enough to move', () => {
    assert.equal(externalizeWeights(model([tensor('small', 64)])), undefined);
  });

  it('keeps every fixture model equivalent (names, dims, types and weight bytes)', () => {
    const root = 'test/fixtures/models';
    for (const variant of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const part of readdirSync(`${root}/${variant.name}`)) {
        let file: Uint8Array;
        try { file = readFileSync(`${root}/${variant.name}/${part}/model.onnx`); } catch { continue; }
        const graph = externalizeWeights(file);
        if (!graph) continue;
        const before = onnx.ModelProto.decode(file).graph!;
        const after = onnx.ModelProto.decode(graph).graph!;
        assert.deepEqual(weights(after, file), weights(before, file), `${variant.name}/${part}`);
        assert.deepEqual(after.initializer!.map((t) => [t.name, t.dims, t.dataType]), before.initializer!.map((t) => [t.name, t.dims, t.dataType]));
        assert.equal(after.node!.length, before.node!.length);
      }
    }
  });

  it('throws a RangeError on a truncated model', () => {
    const file = model([tensor('big', 64 * 1024)]);
    assert.throws(() => externalizeWeights(file.subarray(0, file.length - 100)), RangeError);
  });
});
