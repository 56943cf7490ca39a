"""
The shapes world: 64x64 RGB pictures of one flat shape on a flat background, each with several English captions
from templates. Deterministic from a seed (numpy's PCG64), so training and the held-out sets are reproducible.
"""
import numpy as np

SIZE = 64
COLOURS = {
    'red': (220, 30, 30), 'green': (30, 170, 50), 'blue': (30, 60, 220), 'yellow': (245, 220, 30),
    'orange': (245, 135, 20), 'purple': (140, 40, 180), 'white': (245, 245, 245), 'black': (15, 15, 15),
}
SHAPES = ['circle', 'square', 'triangle', 'star']
SIZES = {'small': 14, 'medium': 24, 'large': 36}
POSITIONS = {
    'centre': (0.5, 0.5), 'left': (0.27, 0.5), 'right': (0.73, 0.5), 'top': (0.5, 0.27), 'bottom': (0.5, 0.73),
    'top left': (0.27, 0.27), 'top right': (0.73, 0.27), 'bottom left': (0.27, 0.73), 'bottom right': (0.73, 0.73),
}
COLOUR_NAMES = list(COLOURS)
SIZE_NAMES = list(SIZES)
POSITION_NAMES = list(POSITIONS)

_ys, _xs = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) + 0.5


def shape_mask(shape, size, position):
    """Boolean [64, 64] mask of `shape` with extent `size` pixels centred at `position` (fractions of the frame)."""
    cx, cy = POSITIONS[position][0] * SIZE, POSITIONS[position][1] * SIZE
    r = SIZES[size] / 2
    dx, dy = _xs - cx, _ys - cy
    if shape == 'circle':
        return dx * dx + dy * dy <= r * r
    if shape == 'square':
        side = r * 0.9
        return (np.abs(dx) <= side) & (np.abs(dy) <= side)
    if shape == 'triangle':  # pointing up, base at the bottom
        top, bottom = -r, r * 0.8
        inside_y = (dy >= top) & (dy <= bottom)
        half_width = (dy - top) / (bottom - top) * r
        return inside_y & (np.abs(dx) <= half_width)
    if shape == 'star':  # five points; radius between inner and outer by angle
        angle = np.arctan2(dy, dx) + np.pi / 2
        k = np.mod(angle, 2 * np.pi / 5) / (2 * np.pi / 5)
        edge = r * (0.45 + 0.55 * np.abs(1 - 2 * k) ** 1.6)
        return dx * dx + dy * dy <= edge * edge
    raise ValueError(shape)


def render(scene):
    """uint8 [64, 64, 3] picture of a scene dict (shape, colour, background, size, position)."""
    image = np.empty((SIZE, SIZE, 3), np.uint8)
    image[:] = COLOURS[scene['background']]
    image[shape_mask(scene['shape'], scene['size'], scene['position'])] = COLOURS[scene['colour']]
    return image


TEMPLATES = [
    'a {colour} {shape} on a {background} background',
    'a {size} {colour} {shape} on a {background} background',
    '{size} {colour} {shape} at the {position}, {background} background',
    'a {colour} {shape} at the {position} of a {background} background',
    'a {background} background with a {size} {colour} {shape}',
    'a {background} background with a {colour} {shape} at the {position}',
    '{colour} {shape}, {background} background',
    'a picture of a {size} {colour} {shape} at the {position} on {background}',
]


def position_words(position):
    """How captions name a position: 'middle', 'left', 'top left corner'."""
    return 'middle' if position == 'centre' else position + (' corner' if ' ' in position else '')


def fix_articles(text):
    """'a orange' -> 'an orange'."""
    return ' '.join('an' if w == 'a' and nxt[0] in 'aeiou' else w for w, nxt in zip(text.split(), text.split()[1:] + ['x']))


def captions(scene, rng, count=3):
    """`count` different captions of a scene, from the templates."""
    chosen = rng.choice(len(TEMPLATES), size=count, replace=False)
    words = dict(scene, position=position_words(scene['position']))
    return [fix_articles(TEMPLATES[i].format(**words)) for i in chosen]


def random_scene(rng):
    colour, background = rng.choice(len(COLOURS), size=2, replace=False)
    return {
        'shape': SHAPES[rng.integers(len(SHAPES))], 'colour': COLOUR_NAMES[colour], 'background': COLOUR_NAMES[background],
        'size': SIZE_NAMES[rng.integers(len(SIZES))], 'position': POSITION_NAMES[rng.integers(len(POSITIONS))],
    }


def dataset(count, seed):
    """(images uint8 [N, 64, 64, 3], scenes, captions [N][3]) for `count` random scenes from `seed`."""
    rng = np.random.default_rng(seed)
    scenes = [random_scene(rng) for _ in range(count)]
    images = np.stack([render(s) for s in scenes])
    return images, scenes, [captions(s, rng) for s in scenes]
