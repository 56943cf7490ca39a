"""Every parameter of the torch modules is bit-identical to the ONNX tensor it was read from, and every ONNX
initializer fed some parameter (so nothing of the exported networks is left out of the oracle)."""
import sys

import numpy as np

from common import MODELS
from models import build
from onnx_weights import fit


def check(folder):
    text_encoder, _, unet, vae, _, report = build(f"{MODELS}/{folder}")
    modules = {"text_encoder": text_encoder, "unet": unet, "vae_encoder": vae, "vae_decoder": vae}  # VAE names are full
    bad = 0
    for part, (sources, unused, tensors) in report.items():
        params = dict(modules[part].named_parameters())
        part_bad = 0
        for name, source in sources.items():
            want = fit(tensors[source], "MatMul" if source.startswith("onnx::MatMul") else None, tuple(params[name].shape))
            got = params[name].detach().numpy()
            if not np.array_equal(got.view(np.uint32), np.asarray(want, np.float32).view(np.uint32)):
                print(f"{folder}/{part}: {name} differs from {source}")
                part_bad += 1
        stray = [u for u in unused if u != "text_model.embeddings.position_ids"]  # a buffer, not a parameter
        if stray:
            print(f"{folder}/{part}: initializers no parameter used: {stray[:5]}")
            part_bad += 1
        if not part_bad:
            print(f"{folder}/{part}: {len(sources)} parameters bit-identical, every initializer used")
        bad += part_bad
    return bad


if __name__ == "__main__":
    sys.exit(1 if sum(check(f) for f in ("tiny-sd", "tiny-sd-inpaint")) else 0)
