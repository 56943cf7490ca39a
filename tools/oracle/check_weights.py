"""Every parameter of the torch modules is bit-identical to the ONNX tensor it was read from, and every ONNX
initializer fed some parameter (so nothing of the exported networks is left out of the oracle)."""
import sys

import numpy as np

from common import MODELS
from models import build
from onnx_weights import fit


def check(folder):
    text_encoder, _, unet, vae, _, report = build(f"{MODELS}/{folder}")
    modules = {"text_encoder": text_encoder, "unet": unet, "vae_encoder": vae, "vae_decoder": vae}
    bad = 0
    for part, (sources, unused, tensors) in report.items():
        params = dict(modules[part].named_parameters())
        for name, source in sources.items():
            param = params.get(name) if part.startswith("text") or part == "unet" else dict(vae.named_parameters())[name]
            want = fit(tensors[source], "MatMul" if source.startswith("onnx::MatMul") else None, tuple(param.shape))
            if not np.array_equal(param.detach().numpy().view(np.uint32), np.asarray(want, np.float32).view(np.uint32)):
                print(f"{folder}/{part}: {name} differs from {source}")
                bad += 1
        stray = [u for u in unused if u != "text_model.embeddings.position_ids"]  # a buffer, not a parameter
        if stray:
            print(f"{folder}/{part}: initializers no parameter used: {stray[:5]}")
            bad += 1
        print(f"{folder}/{part}: {len(sources)} parameters bit-identical" if not bad else "", end="\n" if not bad else "")
    return bad


if __name__ == "__main__":
    sys.exit(1 if sum(check(f) for f in ("tiny-sd", "tiny-sd-inpaint")) else 0)
