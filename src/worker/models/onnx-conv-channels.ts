/**
 * The input channels of the U-Net's first convolution, read from the graph: diffusers' ONNX export leaves the
 * `sample` channel axis symbolic and its model_index.json names the plain pipeline even for inpainting models, so
 * the 9 of an inpainting U-Net is found only in `conv_in`'s weight, [out, in, kh, kw]. Only the graph's keys, node
 * names and the weight's dims are read (never a weight payload), so this is cheap over a Blob too.
 */
import { fields, ONNX_FIELDS, text, varints, walk, walkBlob, type Field, type Walk } from './onnx-proto-walk.ts';

const { model: MODEL, graph: GRAPH, node: NODE, tensor: TENSOR } = ONNX_FIELDS;

/** The weight input name of the first Conv node that reads `input`. */
function* convWeightOf(graph: Field[], input: string): Walk<string | undefined> {
  for (const node of graph.filter((f) => f.number === GRAPH.node)) {
    const nodeFields = yield* fields(node.start, node.end);
    const op = nodeFields.find((f) => f.number === NODE.opType);
    if (!op || (yield* text(op)) !== 'Conv') continue;
    const inputs = nodeFields.filter((f) => f.number === NODE.input);
    if (inputs.length < 2 || (yield* text(inputs[0])) !== input) continue;
    return yield* text(inputs[1]);
  }
  return undefined;
}

/** dims[1] of the initializer named `name`. */
function* inputChannelsOf(graph: Field[], name: string): Walk<number | undefined> {
  for (const tensor of graph.filter((f) => f.number === GRAPH.initializer)) {
    const tensorFields = yield* fields(tensor.start, tensor.end);
    const nameField = tensorFields.find((f) => f.number === TENSOR.name);
    if (!nameField || (yield* text(nameField)) !== name) continue;
    const dims: number[] = [];
    for (const dim of tensorFields.filter((f) => f.number === TENSOR.dims)) dims.push(...(yield* varints(dim)));
    return dims.length === 4 ? dims[1] : undefined;
  }
  return undefined;
}

function* firstConvChannels(size: number, input: string): Walk<number | undefined> {
  const graphField = (yield* fields(0, size)).find((f) => f.number === MODEL.graph);
  if (!graphField) return undefined;
  const graph = yield* fields(graphField.start, graphField.end);
  const weight = yield* convWeightOf(graph, input);
  return weight === undefined ? undefined : yield* inputChannelsOf(graph, weight);
}

/** In-channels of the first Conv reading graph input `input` (default `sample`); undefined when none is found. */
export async function firstConvInputChannels(model: Uint8Array | Blob, input = 'sample'): Promise<number | undefined> {
  try {
    return model instanceof Blob ? await walkBlob(firstConvChannels(model.size, input), model) : walk(firstConvChannels(model.length, input), model);
  } catch {
    return undefined; // a graph we cannot read says nothing; the contract's other sources decide
  }
}
