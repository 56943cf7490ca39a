#!/usr/bin/python3
"""Reference numbers of torchsde 0.2.6's BrownianTree, numpy's SeedSequence and Python's round(x, 6).

Usage (from anywhere): tools/oracle/run.sh schedulers/brownian_tree.py OUT.json
with torchsde's source unpacked where run.sh looks for it (TORCHSDE_SRC, default /tmp/torchsde-src):
  git --git-dir=<torchsde clone>/.git archive v0.2.6 torchsde | tar -x -C /tmp/torchsde-src
torchsde is pure Python on torch; its one missing dependency, `trampoline`, is rewritten in stubs/trampoline.
test/worker/schedulers/brownian-tree.node.test.ts reads the JSON.
"""
import json
import math
import sys

import numpy as np
import torch
import torchsde

# (seed, t0, t1, shape, queries): the sigma range of SD 1.5 at 10 steps, a unit interval, and reversed/overlapping
# queries; shapes below 16 elements take torch's scalar randn path, the others its AVX2 path (324: a ragged tail).
SD15_SIGMAS = [14.614643096923828, 6.9532976150512695, 3.7101426124572754, 2.1319985389709473, 1.2741031646728516,
               0.7672168016433716, 0.4466613233089447, 0.2358587384223938, 0.10123340040445328, 0.029167605936527252]


def f32(x):
    return float(np.float32(x))


def sampler_queries(sigmas):
    """DPMSolverSDE's queries over a run: (sigma, midpoint) then (sigma, next), as float32 values."""
    out = []
    for s, n in zip(sigmas, sigmas[1:]):
        mid = f32(math.exp(-(-math.log(s) + 0.5 * (-math.log(n) + math.log(s)))))
        out += [(mid, s), (n, s)]
    return out


CASES = [
    {"seed": 0, "t0": 0.0, "t1": 1.0, "shape": [5], "queries": [(0.0, 1.0), (0.25, 0.5), (0.1, 0.9), (0.3, 0.3000014), (0.5, 0.25 + 0.25)]},
    {"seed": 42, "t0": SD15_SIGMAS[-1], "t1": SD15_SIGMAS[0], "shape": [1, 4, 8, 8], "queries": sampler_queries(SD15_SIGMAS)},
    {"seed": 1234, "t0": SD15_SIGMAS[-1], "t1": SD15_SIGMAS[0], "shape": [1, 4, 9, 9], "queries": sampler_queries(SD15_SIGMAS)[::-1]},
    {"seed": 2**63 - 25, "t0": 0.5, "t1": 3.25, "shape": [2, 3], "queries": [(0.5, 3.25), (1.0, 2.0), (0.75, 3.0), (0.4, 4.0), (2.0, 2.0)]},
    {"seed": 7, "t0": -1.5, "t1": 2.0, "shape": [16], "queries": [(-1.0, 1.9), (0.0078125, 0.5), (-1.5, 2.0), (1.2345675, 1.2345705)]},
]


def tree_cases():
    out = []
    for case in CASES:
        t0 = torch.tensor(case["t0"], dtype=torch.float32) if case["t0"] != 0.0 else case["t0"]
        t1 = torch.tensor(case["t1"], dtype=torch.float32) if case["t1"] != 1.0 else case["t1"]
        tree = torchsde.BrownianTree(t0, torch.zeros(case["shape"]), t1, entropy=case["seed"])
        queries = []
        for ta, tb in case["queries"]:
            w = tree(ta, tb)
            queries.append({"ta": ta, "tb": tb, "w": w.flatten().tolist()})
        out.append({"seed": str(case["seed"]), "t0": float(t0), "t1": float(t1), "shape": case["shape"], "queries": queries})
    return out


def seed_sequences():
    rows = []
    for entropy, spawn_key, pool_size, n in [(0, (), 4, 4), (42, (), 24, 3), (42, (0, 0), 24, 4), (42, (5, 3), 24, 4),
                                             (2**63 - 25, (2**33 + 7, 40), 24, 4), (123456789, (1,), 4, 6), (2**100 + 3, (), 4, 8)]:
        state = np.random.SeedSequence(entropy=entropy, spawn_key=spawn_key, pool_size=pool_size).generate_state(n)
        rows.append({"entropy": str(entropy), "spawn_key": [str(k) for k in spawn_key], "pool_size": pool_size,
                     "state": [int(v) for v in state]})
    return rows


def rounds():
    values = [0.0078125, 0.0234375, 1.0000005, 2.5e-7, 14.614643096923828, 0.029167605936527252, -0.0078125,
              -1.2345675, 3.0000000000000004, 1e-7, 123456.7890125, 0.5 * (14.614643 + 0.029168)]
    rng = np.random.default_rng(3)
    values += [float(np.float32(v)) for v in rng.uniform(0, 15, 40)]
    return [{"x": v, "rounded": round(v, 6)} for v in values]


def main(out_path):
    doc = {"description": "torchsde " + torchsde.__version__ + " BrownianTree(t0, torch.zeros(shape), t1, entropy=seed)"
           "(ta, tb) on torch " + torch.__version__ + " CPU (float32; t0, t1 passed as float32 tensors except 0 and 1),"
           " numpy " + np.__version__ + " SeedSequence(...).generate_state(n) and Python's round(x, 6);"
           " from tools/oracle/schedulers/brownian_tree.py. Seeds and entropies are decimal strings (they exceed 2^53).",
           "trees": tree_cases(), "seed_sequences": seed_sequences(), "rounds": rounds()}
    with open(out_path, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    main(sys.argv[1])
