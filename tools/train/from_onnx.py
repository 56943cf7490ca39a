"""
Reads the shipped first CLIP and VAE back from src/models/shapes/{text_encoder,vae_*}/model.onnx into
tools/train/.cache/clip.pt and vae.pt, so that work on a later stage (the U-Nets) need not retrain them first
(47 minutes on 2 cores) and conditions on exactly the shipped text encoder:

    python3 tools/train/from_onnx.py && UNET_STEPS=... python3 tools/train/train.py

The export keeps most parameter names. It folds each GroupNorm's scale and shift into the Mul and Add after its
InstanceNormalization (they belong to the block of the convolution before them), and it stores each linear layer
that has no Gemm as an unnamed, transposed MatMul weight (named here after the bias added next, or, for the last,
the text projection). The check re-exports what was recovered and compares every weight with the shipped files.
The image tower of the first CLIP is not shipped: clip.pt gets a fresh one, which nothing downstream reads.
"""
import json
import os
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
from models import Clip, Vae  # noqa: E402
from train import CACHE, data  # noqa: E402

SHAPES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src', 'models', 'shapes')


def weights(path, prefix):
    """Parameter name -> array for one exported part (names as in the module under `prefix`)."""
    graph = onnx.load(path).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    found, block, matmul = {}, None, None
    for node in graph.node:
        for name in (n for n in node.input if n in arrays):
            if name.startswith(prefix):
                key = name[len(prefix):]
                found[key] = arrays[name]
                if node.op_type == 'Conv' and key.endswith('.0.weight'):
                    block = key[:-len('.0.weight')]
                if matmul is not None and node.op_type == 'Add' and key.endswith('bias'):
                    found[key[:-len('bias')] + 'weight'] = matmul.T
                    matmul = None
            elif node.op_type == 'MatMul':
                matmul = arrays[name]
            elif node.op_type in ('Mul', 'Add'):
                found[f'{block}.1.{"weight" if node.op_type == "Mul" else "bias"}'] = arrays[name].reshape(-1)
    if matmul is not None:
        found['text_projection.weight'] = matmul.T
    return found


def tensors(found):
    return {k: torch.from_numpy(v.copy()) for k, v in found.items()}


def main():
    os.makedirs(CACHE, exist_ok=True)
    vae, state = Vae(), {}
    for part in ('vae_encoder', 'vae_decoder'):
        state.update(weights(os.path.join(SHAPES, part, 'model.onnx'), 'vae.'))
    vae.load_state_dict(tensors(state), strict=True)
    scaling = json.load(open(os.path.join(SHAPES, 'vae_decoder', 'config.json')))['scaling_factor']
    from export import TextEncoder, VaeDecoder, VaeEncoder
    check(VaeEncoder(vae), (torch.randn(1, 3, 64, 64),), 'vae_encoder', 'vae.')
    check(VaeDecoder(vae), (torch.randn(1, 4, 8, 8),), 'vae_decoder', 'vae.')
    torch.save({'state': vae.state_dict(), 'scaling': scaling}, os.path.join(CACHE, 'vae.pt'))
    clip = Clip(data()['known'])
    text = tensors(weights(os.path.join(SHAPES, 'text_encoder', 'model.onnx'), 'clip.'))
    missing = clip.load_state_dict(text, strict=False).missing_keys
    assert all(k.startswith('vision.') or k == 'logit_scale' for k in missing), missing
    check(TextEncoder(clip), (torch.tensor([[49406, 320, 736, 2682, 49407] + [49407] * 72] * 2, dtype=torch.int32),), 'text_encoder', 'clip.', {'x': {0: 'batch', 1: 'sequence'}})
    torch.save(clip.state_dict(), os.path.join(CACHE, 'clip.pt'))
    print(f'{CACHE}: vae.pt (scaling factor {scaling}) and clip.pt, equal to the shipped files')


def check(module, args, part, prefix, axes=None):
    """Exports `module` again and asserts that every weight equals the shipped file's."""
    from export import export
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, part, 'model.onnx')
        export(module, args, path, ['x'], ['y'], axes or {})
        again, shipped = weights(path, prefix), weights(os.path.join(SHAPES, part, 'model.onnx'), prefix)
        assert again.keys() == shipped.keys() and all(np.array_equal(again[k], shipped[k]) for k in shipped), part


if __name__ == '__main__':
    main()
