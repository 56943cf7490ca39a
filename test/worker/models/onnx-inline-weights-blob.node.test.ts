// externalizeWeightsFromBlob gives externalizeWeights' bytes from a Blob without reading the large weight payloads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { externalDataLocations } from '../../../src/worker/models/onnx-external-data.ts';
import {
  externalDataLocationsFromBlob, externalizeWeights, externalizeWeightsFromBlob,
} from '../../../src/worker/models/onnx-inline-weights.ts';

const { onnx } = onnxProto;

/** A Blob that records the ranges read from it. */
class RecordingBlob extends Blob {
  readonly reads: [number, number][] = [];

  override slice(start = 0, end = this.size, type?: string): Blob {
    this.reads.push([start, end]);
    return super.slice(start, end, type);
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    this.reads.push([0, this.size]);
    return super.arrayBuffer();
  }
}

function model(initializers: onnx.ITensorProto[], nodes = 1): Uint8Array {
  const node = Array.from({ length: nodes }, (_, i) => ({ opType: 'Add', name: `add${i}`, input: ['x', 'big'], output: [`y${i}`] }));
  const graph = onnx.GraphProto.create({ name: 'g', initializer: initializers, node });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, producerName: 'test', graph, opsetImport: [{ domain: '', version: 17 }] })).finish();
}

const tensor = (name: string, bytes: number) => ({ name, dims: [bytes / 4], dataType: 1, rawData: Uint8Array.from({ length: bytes }, (_, i) => (i * 31) & 255) });
const external = (name: string, location: string) => ({
  name, dims: [4], dataType: 1, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
  externalData: [{ key: 'location', value: location }, { key: 'offset', value: '0' }, { key: 'length', value: '16' }],
});

function fixtures(): [string, Uint8Array][] {
  const root = 'test/fixtures/models';
  const found: [string, Uint8Array][] = [];
  for (const variant of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const part of ['unet', 'text_encoder', 'vae_decoder', 'vae_encoder']) {
      try { found.push([`${variant.name}/${part}`, readFileSync(`${root}/${variant.name}/${part}/model.onnx`)]); } catch { /* part absent */ }
    }
  }
  return found;
}

describe('externalizeWeightsFromBlob', () => {
  it('gives the same bytes and locations as the in-memory walk on every fixture model', async () => {
    const files = fixtures();
    assert.ok(files.length >= 20, `${files.length} fixture models`);
    for (const [name, file] of files) {
      assert.deepEqual(await externalizeWeightsFromBlob(new Blob([file])), externalizeWeights(file), name);
      assert.deepEqual(await externalDataLocationsFromBlob(new Blob([file])), externalDataLocations(file), name);
    }
  });

  it('returns undefined when nothing is large enough to move, and finds already-external locations', async () => {
    const file = model([tensor('small', 64), external('a', 'weights.pb'), external('b', 'model.onnx_data')]);
    assert.equal(await externalizeWeightsFromBlob(new Blob([file])), undefined);
    assert.deepEqual(await externalDataLocationsFromBlob(new Blob([file])), ['weights.pb', 'model.onnx_data']);
  });

  it('never reads into the middle of a large payload, and reads thousands of nodes in a few blocks', async () => {
    const file = model([tensor('small', 64), tensor('big', 4 * 1024 * 1024), tensor('mid', 8192)], 2000);
    const blob = new RecordingBlob([file]);
    const graph = await externalizeWeightsFromBlob(blob);
    assert.deepEqual(graph, externalizeWeights(file));
    const big = onnx.ModelProto.decode(graph!).graph!.initializer!.find((t) => t.name === 'big')!;
    const entries = Object.fromEntries(big.externalData!.map((e) => [e.key, Number(e.value)]));
    const middle = entries.offset + entries.length / 2;
    const read = blob.reads.reduce((sum, [a, b]) => sum + b - a, 0);
    assert.ok(blob.reads.every(([a, b]) => b <= middle || a > middle), `a read covers byte ${middle}: ${JSON.stringify(blob.reads)}`);
    assert.ok(read < file.length / 10, `read ${read} of ${file.length} bytes`);
    assert.ok(blob.reads.length <= 10, `${blob.reads.length} reads for 2000 nodes`);
  });

  it('rejects with a RangeError where the in-memory walk throws, at any cut of the file', async () => {
    const file = model([tensor('big', 8192), tensor('small', 64)], 20);
    let rejected = 0;
    for (let cut = 1; cut < file.length; cut += 3) {
      const part = file.subarray(0, cut);
      let expected: Uint8Array | undefined | RangeError;
      try { expected = externalizeWeights(part); } catch (error) { expected = error as RangeError; }
      if (expected instanceof RangeError) {
        await assert.rejects(externalizeWeightsFromBlob(new Blob([part])), RangeError, `cut at ${cut}`);
        rejected += 1;
      } else assert.deepEqual(await externalizeWeightsFromBlob(new Blob([part])), expected, `cut at ${cut}`);
    }
    assert.ok(rejected > 0);
    await assert.rejects(externalDataLocationsFromBlob(new Blob([file.subarray(0, file.length - 100)])), RangeError);
  });
});
