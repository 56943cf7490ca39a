"""Writes test/fixtures/oracle/diffusers-parity-extra.json: each case's diffusers pixels and, where imitating
web-diffusion's known bugs (issue 12 items 1, 2, 5) changes them, the pixels with those bugs imitated."""
import base64
import json
import sys

import numpy as np

from cases import all_cases
from common import DEV_ORACLE, EXTRA_ORACLE, MODELS, load_json
from pipelines import Models, rgb_image, run_case

KNOWN_BUGS = {"posterior-draw": "issue 12 item 1", "strength-1": "issue 12 item 2", "lcm-timesteps": "issue 12 item 5"}


def b64(pixels):
    return base64.b64encode(pixels.tobytes()).decode()


def within_tolerance(a, b, region):
    """The browser test's criterion: at most 3 levels anywhere and a mean of at most 0.1 level, over `region`."""
    diff = np.abs(a.astype(int) - b.astype(int))[region]
    return diff.max() <= 3 and diff.mean() <= 0.1


def compared_region(spec, mask):
    """Inpainting is compared inside the mask (web-diffusion pastes the original outside it); others everywhere."""
    h, w = spec["settings"]["height"], spec["settings"]["width"]
    if spec["pipeline"].endswith("InpaintPipeline"):
        return np.asarray(mask)[..., 0] > 127
    return np.ones((h, w), bool)


def main():
    dev = load_json(DEV_ORACLE)
    models = Models(MODELS)
    image, mask = rgb_image(dev["image"]["rgb"]), rgb_image(dev["mask"]["rgb"])
    cases = []
    for spec in all_cases():
        if len(sys.argv) > 1 and not any(a in spec["id"] for a in sys.argv[1:]):
            continue
        pixels = run_case(spec, models, image, mask)
        spec["pixels"] = b64(pixels)
        region = compared_region(spec, mask)
        for bug in KNOWN_BUGS:  # which single bug moves this case beyond the tolerance
            imitated = run_case(spec, models, image, mask, imitate=(bug,))
            if not within_tolerance(imitated, pixels, region):
                spec.setdefault("known_bugs", []).append(KNOWN_BUGS[bug])
                spec["known_bug_pixels"] = b64(imitated)
        if len(spec.get("known_bugs", [])) > 1:  # more than one bug: pixels with all of them imitated
            spec["known_bug_pixels"] = b64(run_case(spec, models, image, mask, imitate=tuple(KNOWN_BUGS)))
        print(spec["id"], spec.get("known_bugs", ""), flush=True)
        cases.append(spec)
    out = {
        "description": DESCRIPTION,
        "versions": dev["versions"],
        "image": dev["image"],
        "mask": dev["mask"],
        "cases": cases,
    }
    with open(EXTRA_ORACLE, "w") as f:
        json.dump(out, f, indent=1, separators=(",", ": "))
        f.write("\n")


DESCRIPTION = (
    "More diffusers v0.24.0 PyTorch runs (CPU, float32) on ../diffusers/tiny-sd and tiny-sd-inpaint, made by "
    "tools/oracle/make_extra.py (README there) in the encoding of diffusers-parity-dev.json: pixels = base64 raw RGB "
    "uint8 [height, width, 3], (x*255).round() of output_type='np'; settings use diffusers' argument names, "
    "scheduler = Cls.from_config(model's scheduler_config, **overrides); request is the web-diffusion "
    "generate() request (image/mask true: the file's image and mask, 64x64, mask white = repaint). "
    "known_bugs lists the issue-12 bugs whose imitation moves a case's pixels beyond the test's tolerance, and known_bug_pixels are the "
    "pixels with them imitated (posterior draw skipped, strength 1 as text-to-image, LCM's old timesteps)."
)

if __name__ == "__main__":
    main()
