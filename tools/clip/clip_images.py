"""What both CLIP reference scripts share: the synthetic test images (a formula that the TypeScript tests repeat)
and CLIPImageProcessor's steps done with Pillow (shortest side to `size`, resize with reducing_gap=None, centre
crop, rescale by 1/255, normalise with CLIP's mean and std)."""
import numpy as np
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


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


def preprocess(width, height, kind, size, crop, resample):
    """(the cropped uint8 RGB pixels, pixel_values [3, crop, crop] float32) of pattern `kind` at width x height."""
    w, h = resized_size(width, height, size)
    resized = np.asarray(Image.fromarray(pattern(width, height, kind), 'RGB').resize((w, h), resample=resample, reducing_gap=None))
    top, left = (h - crop) // 2, (w - crop) // 2
    cropped = resized[top:top + crop, left:left + crop]
    return cropped, ((cropped.astype(np.float32) * np.float32(1 / 255) - MEAN) / STD).transpose(2, 0, 1)
