#!/usr/bin/python3
"""torch's float32 exp, log and expm1 on 0-d CPU tensors, for src/worker/schedulers/sleef-f32.ts.

Usage: /usr/bin/python3 tools/oracle/schedulers/torch_f32_math.py test/fixtures/oracle/torch-f32-math.json
torch 1.13 (Debian, x86-64 with AVX2) computes these with SLEEF 3.5's FMA kernels, which are 1-ulp, not correctly
rounded; test/worker/schedulers/sleef-f32.node.test.ts checks the port against every value here, bit for bit.
"""
import json
import sys

import numpy as np
import torch


def main(out_path):
    rng = np.random.default_rng(5)
    positive = np.exp(rng.uniform(np.log(1e-3), np.log(30), 900))
    signed = rng.uniform(-20, 20, 600)
    edges = [1.0, 0.5, 2.0, 1e-30, 3e-39, 14.614643096923828, 0.029167605936527252, -0.0, 0.0]
    xs = np.concatenate([positive, signed, edges]).astype(np.float32)
    out = {"description": "torch " + torch.__version__ + " CPU float32 [x, f(x)] pairs for 0-d tensors, from"
           " tools/oracle/schedulers/torch_f32_math.py", "log": [], "exp": [], "expm1": []}
    for x in xs:
        t = torch.tensor(x)
        if x > 0:
            out["log"].append([float(x), t.log().item()])
        if -100 < x < 88:
            out["exp"].append([float(x), t.exp().item()])
        out["expm1"].append([float(x), t.expm1().item()])
    with open(out_path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main(sys.argv[1])
