"""Derives more torch.randn / torch.rand reference cases from torch_rng_ref.py (the numpy port of
torch 1.13 CPU that matches torch bit for bit, see docs/torch-randn.md in the shared docs) and writes
test/fixtures/oracle/torch-randn-derived.json.

Usage (from the repository root):
    python3 tools/oracle/derive-torch-randn.py [path/to/torch_rng_ref.py]
The reference path defaults to ../shared/docs/torch_rng_ref.py.
"""
import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
REF = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "docs" / "torch_rng_ref.py"
OUT = ROOT / "test" / "fixtures" / "oracle" / "torch-randn-derived.json"
MAX_VALUES = 64  # longer outputs are checked through their sha256 only, to keep the file small

spec = importlib.util.spec_from_file_location("torch_rng_ref", REF)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

# Counts how often fma32 meets the double-rounding half-way case, so the JSON says whether the
# cases below exercise that path.
halfway = {"count": 0}
_fma32 = ref.fma32


def counting_fma32(a, b, c):
    a64 = np.asarray(a, np.float32).astype(np.float64)
    b64 = np.asarray(b, np.float32).astype(np.float64)
    c64 = np.asarray(c, np.float32).astype(np.float64)
    naive = (a64 * b64 + c64).astype(np.float32)
    result = _fma32(a, b, c)
    halfway["count"] += int(np.count_nonzero(np.asarray(naive) != np.asarray(result)))
    return result


ref.fma32 = counting_fma32

DEFAULT_SEED = 67280421310721
BIG_SEED = 0xDEADBEEFCAFEBABE  # passed as a bigint; only the low 32 bits (0xCAFEBABE) count


def seed_entry(seed):
    """A seed as JSON: plain numbers as numbers, values beyond 2**53 as decimal strings (bigint in JS)."""
    if seed is None:
        return {"seed": None, "seed_kind": "default"}
    if seed > 2**53:
        return {"seed": str(seed), "seed_kind": "bigint"}
    return {"seed": seed, "seed_kind": "number"}


def call_entry(op, n, values):
    values = np.asarray(values, np.float32)
    entry = {"op": op, "n": n, "sha256_f32le": hashlib.sha256(values.astype("<f4").tobytes()).hexdigest()}
    if n <= MAX_VALUES:
        entry["values"] = [float(v) for v in values]
    else:
        entry["first"] = [float(v) for v in values[:8]]
        entry["last"] = [float(v) for v in values[-8:]]
    return entry


def sequence(seed, calls, note):
    gen = ref.Generator() if seed is None else ref.Generator(seed)
    out = []
    for op, n in calls:
        values = ref.randn(gen, n) if op == "randn" else ref.rand(gen, n)
        out.append(call_entry(op, n, values))
    return {**seed_entry(seed), "note": note, "calls": out}


def main():
    sequences = []
    sizes = [1, 2, 7, 15, 16, 17, 31, 32, 33, 100, 256, 16384]
    for seed in [0, 42, 2**32, BIG_SEED, None, 1234]:
        for n in sizes:
            sequences.append(sequence(seed, [("randn", n)], f"manual_seed then randn({n})"))
    sequences.append(sequence(0, [("randn", 1), ("randn", 16), ("randn", 1)],
                              "scalar cache survives a vectorised call: the last randn(1) is the cached sine"))
    sequences.append(sequence(0, [("randn", 1), ("randn", 1), ("randn", 1)], "cache alternates cos, sin, cos"))
    sequences.append(sequence(7, [("randn", 3), ("randn", 3), ("randn", 17), ("randn", 5)], "odd scalar calls"))
    sequences.append(sequence(0, [("rand", 5), ("rand", 17), ("rand", 16384)], "rand"))
    sequences.append(sequence(42, [("rand", 3), ("randn", 20), ("randn", 5), ("rand", 2), ("randn", 1), ("randn", 48)],
                              "mixed rand / randn stream"))
    sequences.append(sequence(3, [("randn", 1000)] * 3, "three calls continue the stream (draws beyond 624-word regenerations)"))
    for seed in range(1, 9):
        sequences.append(sequence(seed, [("randn", 65536)], "stress: many values for rare rounding cases"))
    doc = {
        "description": (
            "Derived with tools/oracle/derive-torch-randn.py from torch_rng_ref.py (the numpy port of torch 1.13 CPU "
            "torch.randn/torch.rand, float32, AVX2 kernel, which matches torch bit for bit), not from torch itself. "
            "Each sequence seeds a generator (seed_kind 'default' = unseeded torch.Generator(), seed 67280421310721; "
            "'bigint' = decimal string) and makes the calls in order on it; values are float32, sha256_f32le "
            "hashes the little-endian float32 bytes."
        ),
        "fma32_halfway_cases": halfway["count"],
        "sequences": sequences,
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT} ({len(sequences)} sequences, {halfway['count']} fma32 half-way cases)")


if __name__ == "__main__":
    main()
