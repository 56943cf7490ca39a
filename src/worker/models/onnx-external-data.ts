/**
 * Finds the external-data files an ONNX model refers to, by walking just enough of its protobuf
 * (ModelProto.graph -> GraphProto.initializer -> TensorProto.external_data "location" entries).
 * onnxruntime-web needs each file under exactly the name recorded in the model, so we read it rather than guess.
 * The walk (onnx-proto-walk.ts) runs over bytes or over a Blob, where it never reads a weight payload.
 */
import { fields, LENGTH_DELIMITED, ONNX_FIELDS, text, walk, walkBlob, type Field, type Walk } from './onnx-proto-walk.ts';

const { model: MODEL, graph: GRAPH, tensor: TENSOR, entry: ENTRY } = ONNX_FIELDS;

function* externalLocation(tensor: Field): Walk<string | undefined> {
  for (const entry of yield* fields(tensor.start, tensor.end)) {
    if (entry.number !== TENSOR.externalData || entry.wireType !== LENGTH_DELIMITED) continue;
    let key = '';
    let value = '';
    for (const part of yield* fields(entry.start, entry.end)) {
      const partText = yield* text(part);
      if (part.number === ENTRY.key) key = partText;
      if (part.number === ENTRY.value) value = partText;
    }
    if (key === 'location') return value;
  }
  return undefined;
}

function* locations(size: number): Walk<string[]> {
  const found = new Set<string>();
  for (const field of yield* fields(0, size)) {
    if (field.number !== MODEL.graph || field.wireType !== LENGTH_DELIMITED) continue;
    for (const graphField of yield* fields(field.start, field.end)) {
      if (graphField.number !== GRAPH.initializer || graphField.wireType !== LENGTH_DELIMITED) continue;
      const location = yield* externalLocation(graphField);
      if (location) found.add(location);
    }
  }
  return [...found];
}

/**
 * The distinct external-data locations recorded in an ONNX model, in first-use order.
 * Throws a RangeError when the bytes are not a well-formed ModelProto (a truncated download, say).
 */
export function externalDataLocations(model: Uint8Array): string[] {
  return walk(locations(model.length), model);
}

/** As externalDataLocations, reading `model` from a Blob without its weight payloads. */
export function externalDataLocationsFromBlob(model: Blob): Promise<string[]> {
  return walkBlob(locations(model.size), model);
}
