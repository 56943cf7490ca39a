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
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
# (width, height, size, crop, resample, pattern)
CASES = [
    (160, 120, 64, 56, 3, 'busy'),    # downscale 1.9x: antialiased kernel
    (61, 97, 32, 32, 3, 'busy'),      # odd sizes, portrait
    (300, 224, 224, 224, 3, 'smooth'),  # real CLIP size, mild downscale
    (20, 15, 32, 24, 3, 'busy'),      # upscale: plain bicubic, values overshoot and clamp
    (90, 70, 40, 40, 2, 'busy'),      # bilinear processors
]


def pattern(width, height, kind):
    y, x = np.mgrid[0:height, 0:width]
    planes = []
    for c in range(3):
        if kind == 'busy':
            v = (x * 37 + y * 91 + c * 53 + ((x * y) % 29) * 7) % 256
        else:
            v = (x * (c + 1) + y * (3 - c) * 2 + ((x // 16 + y // 16) % 2) * 60) % 256
        planes.append(v)
    return np.stack(planes, axis=-1).astype(np.uint8)


def resized_size(width, height, size):
    short, long = (width, height) if width <= height else (height, width)
    new_long = int(size * long / short)
    return (size, new_long) if width <= height else (new_long, size)


def process(case):
    width, height, size, crop, resample, kind = case
    image = Image.fromarray(pattern(width, height, kind), 'RGB')
    w, h = resized_size(width, height, size)
    resized = np.asarray(image.resize((w, h), resample=resample, reducing_gap=None))
    top, left = (h - crop) // 2, (w - crop) // 2
    cropped = resized[top:top + crop, left:left + crop]
    pixels = ((cropped.astype(np.float32) * np.float32(1 / 255) - MEAN) / STD).transpose(2, 0, 1)
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
