// externalDataLocations reads the external-data file names recorded in an ONNX model's initializers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
import { externalDataLocations } from '../../../src/worker/models/onnx-external-data.ts';

function tensor(name: string, location?: string) {
  const external = location ? [{ key: 'location', value: location }, { key: 'offset', value: '0' }, { key: 'length', value: '16' }] : [];
  return onnx.TensorProto.create({
    name, dims: [4], dataType: onnx.TensorProto.DataType.FLOAT,
    ...(location ? { externalData: external.map((e) => onnx.StringStringEntryProto.create(e)), dataLocation: onnx.TensorProto.DataLocation.EXTERNAL } : { rawData: new Uint8Array(16) }),
  });
}

function model(initializers: onnx.ITensorProto[]): Uint8Array {
  const graph = onnx.GraphProto.create({ name: 'g', initializer: initializers, node: [] });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, producerName: 'test', graph, opsetImport: [{ domain: '', version: 17 }] })).finish();
}

describe('externalDataLocations', () => {
  it('finds nothing in a self-contained model', () => {
    assert.deepEqual(externalDataLocations(model([tensor('a'), tensor('b')])), []);
  });

  it('lists each distinct location once, in order of first use', () => {
    const bytes = model([tensor('a', 'weights.pb'), tensor('b'), tensor('c', 'model.onnx_data'), tensor('d', 'weights.pb')]);
    assert.deepEqual(externalDataLocations(bytes), ['weights.pb', 'model.onnx_data']);
  });

  it('throws a RangeError on a truncated model', () => {
    const bytes = model([tensor('a', 'weights.pb')]);
    assert.throws(() => externalDataLocations(bytes.subarray(0, bytes.length - 5)), RangeError);
  });
});
