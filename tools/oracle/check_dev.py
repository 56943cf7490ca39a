"""The oracle must reproduce ../shared/oracle/diffusers-parity-dev.json exactly before it makes new cases."""
import base64
import sys

import numpy as np

from common import DEV_ORACLE, MODELS, load_json
from pipelines import Models, rgb_image, run_case


def main():
    dev = load_json(DEV_ORACLE)
    models = Models(MODELS)
    image, mask = rgb_image(dev["image"]["rgb"]), rgb_image(dev["mask"]["rgb"])
    failures = 0
    for case in dev["cases"]:
        expected = np.frombuffer(base64.b64decode(case["pixels"]), np.uint8).reshape(64, 64, 3)
        got = run_case(case, models, image, mask)
        diff = np.abs(got.astype(int) - expected)
        same = base64.b64encode(got.tobytes()).decode() == case["pixels"]
        print(f"{case['id']}: {'identical' if same else 'DIFFERS'} (max {diff.max()}, mean {diff.mean():.4f})")
        failures += not same
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
