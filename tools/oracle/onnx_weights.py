"""Fill torch modules with the weights of diffusers' ONNX exports. torch.onnx names most parameters after the
module, but constant folding stores Linear weights transposed under anonymous names (onnx::MatMul_N) and norm
weights reshaped to [C, 1, 1] (onnx::Mul_N), and deduplicates equal tensors behind Identity nodes. So each
parameter is found through the graph: the nodes of its module, then the node's op and input position."""
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper

# op -> {input position: parameter kind}; the initializer is reshaped (or transposed for MatMul) to fit
ROLES = {
    "Conv": {1: "weight", 2: "bias"},
    "ConvTranspose": {1: "weight", 2: "bias"},
    "Gemm": {1: "weight", 2: "bias"},
    "MatMul": {1: "weight"},
    "Mul": {0: "weight", 1: "weight"},
    "Add": {0: "bias", 1: "bias"},
    "Gather": {0: "weight"},
}


def read_initializers(path):
    model = onnx.load(path)  # external data (weights.pb) is resolved next to the file
    tensors = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:  # deduplicated tensors: Identity(shared) -> per-use name
        if node.op_type == "Identity" and node.input[0] in tensors:
            tensors[node.output[0]] = tensors[node.input[0]]
    return model, tensors


def candidates_by_module(model, tensors):
    """module path ("down_blocks.0.resnets.0.norm1") -> [(kind, op, array)] from the nodes torch named after it."""
    found = {}
    for node in model.graph.node:
        if not node.name.startswith("/"):
            continue
        module = ".".join(node.name[1:].split("/")[:-1])
        for position, name in enumerate(node.input):
            kind = ROLES.get(node.op_type, {}).get(position)
            if kind and name in tensors:
                found.setdefault(module, []).append((kind, node.op_type, name, tensors[name]))
    return found


def fit(array, op, shape):
    if op == "MatMul":
        array = array.T
    if array.size != int(np.prod(shape)):
        return None
    return array.reshape(shape)


def load_onnx_weights(module, path):
    """Copy every parameter of `module` from the ONNX file; returns {param name: onnx tensor name} and the
    initializers no parameter used (both for check_weights.py)."""
    model, tensors = read_initializers(path)
    by_module = candidates_by_module(model, tensors)
    state = module.state_dict()
    sources, missing = {}, []
    for name, param in module.named_parameters():
        array, source = find_array(name, tuple(param.shape), tensors, by_module)
        if array is None:
            missing.append(name)
            continue
        state[name] = torch.from_numpy(np.array(array)).to(param.dtype)
        sources[name] = source
    if missing:
        raise ValueError(f"{path}: no ONNX tensor for {missing[:5]} ({len(missing)} in all)")
    module.load_state_dict(state)
    used = {s for s in sources.values()}
    resolved = {n for n in tensors if n in used}
    unused = [t.name for t in model.graph.initializer if t.name not in resolved and not _aliased(t.name, model, used)]
    return sources, unused, tensors


def _aliased(name, model, used):
    return any(n.op_type == "Identity" and n.input[0] == name and n.output[0] in used for n in model.graph.node)


def find_array(name, shape, tensors, by_module):
    if name in tensors:
        array = fit(tensors[name], None, shape)
        if array is not None:
            return array, name
    module, kind = name.rsplit(".", 1)
    matches = []
    for cand_kind, op, source, array in by_module.get(module, []):
        fitted = fit(array, op, shape) if cand_kind == kind else None
        if fitted is not None and source not in [m[1] for m in matches]:
            matches.append((fitted, source))
    if len(matches) > 1:  # e.g. a scalar Mul: keep only tensors that are not scalars
        matches = [m for m in matches if m[0].ndim > 0 and m[0].size > 1] or matches
    if len(matches) != 1:
        return None, None
    return matches[0]
