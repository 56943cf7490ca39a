"""
Writes the held-out evaluation set of the shapes world: 256 scenes from a seed the training never uses, as one
16x16 sprite sheet (test/fixtures/shapes-eval/sheet.png, 64x64 cells, row-major) and their labels (labels.json).
The browser tests read it to check CLIP's zero-shot accuracy and the tests' own pixel analysis.

    python3 tools/train/eval_set.py
"""
import json
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from world import dataset  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'shapes-eval')
COUNT, PER_ROW, SEED = 256, 16, 2026  # training uses seed 1


def main():
    images, scenes, captions = dataset(COUNT, SEED)
    sheet = np.zeros((COUNT // PER_ROW * 64, PER_ROW * 64, 3), np.uint8)
    for i, image in enumerate(images):
        y, x = divmod(i, PER_ROW)
        sheet[y * 64:(y + 1) * 64, x * 64:(x + 1) * 64] = image
    os.makedirs(OUT, exist_ok=True)
    Image.fromarray(sheet).save(os.path.join(OUT, 'sheet.png'), optimize=True)
    labels = {'seed': SEED, 'cell': 64, 'perRow': PER_ROW, 'scenes': [dict(s, caption=c[0]) for s, c in zip(scenes, captions)]}
    with open(os.path.join(OUT, 'labels.json'), 'w') as f:
        json.dump(labels, f, indent=1)
        f.write('\n')
    print(f'{COUNT} scenes -> {os.path.relpath(OUT)}')


if __name__ == '__main__':
    main()
