#!/usr/bin/python3
"""Writes test/fixtures/oracle/clip-preprocess.json: CLIPImageProcessor's resize (PIL), centre crop and
normalisation of fixed synthetic images, for the golden test of src/worker/clip/preprocess.ts.

The images are made from a formula that test/worker/clip/preprocess.node.test.ts repeats, so no image file is
stored. Steps follow transformers' CLIPImageProcessor: shortest side to `size` (int() of the long side), PIL
resize with reducing_gap=None, crop at ((h - ch) // 2, (w - cw) // 2), x * rescale then (x - mean) / std.
Run: /usr/bin/python3 tools/clip/pil-preprocess-golden.py
"""
import base64
import json
import os

import numpy as np
import PIL

from clip_images import preprocess

# (width, height, size, crop, resample, pattern)
CASES = [
    (160, 120, 64, 56, 3, 'busy'),    # downscale 1.9x: antialiased kernel
    (61, 97, 32, 32, 3, 'busy'),      # odd sizes, portrait
    (300, 224, 224, 224, 3, 'smooth'),  # real CLIP size, mild downscale
    (20, 15, 32, 24, 3, 'busy'),      # upscale: plain bicubic, values overshoot and clamp
    (90, 70, 40, 40, 2, 'busy'),      # bilinear processors
]


def process(case):
    width, height, size, crop, resample, kind = case
    cropped, pixels = preprocess(width, height, kind, size, crop, resample)
    return {
        'width': width, 'height': height, 'size': size, 'crop': crop, 'resample': resample, 'pattern': kind,
        'rgb': base64.b64encode(np.ascontiguousarray(cropped).tobytes()).decode(),
        'pixelSamples': [[int(i), float(pixels.reshape(-1)[i])] for i in range(0, pixels.size, max(1, pixels.size // 64))],
    }


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    out = os.path.join(root, 'test', 'fixtures', 'oracle', 'clip-preprocess.json')
    data = {'pillow': PIL.__version__, 'cases': [process(c) for c in CASES]}
    with open(out, 'w') as f:
        json.dump(data, f)
        f.write('\n')
    print('wrote', out)


if __name__ == '__main__':
    main()
