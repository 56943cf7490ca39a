/**
 * A plain geometric reading of a shapes-world picture, written for the tests and independent of every model:
 * each pixel takes the nearest of the world's eight colours, the background is the commonest colour of the
 * border, the shape is the largest connected region of any other colour, and its class is the template
 * (circle, square, triangle, star: the geometry of tools/train/world.py) that overlaps it best at its own
 * centroid and area.
 */
export const PALETTE = {
  red: [220, 30, 30], green: [30, 170, 50], blue: [30, 60, 220], yellow: [245, 220, 30],
  orange: [245, 135, 20], purple: [140, 40, 180], white: [245, 245, 245], black: [15, 15, 15],
} as const;
export type Colour = keyof typeof PALETTE;
export const COLOURS = Object.keys(PALETTE) as Colour[];
export const SHAPES = ['circle', 'square', 'triangle', 'star'] as const;
export type Shape = (typeof SHAPES)[number];

export interface Reading {
  background: Colour;
  /** Undefined when no pixel differs from the background. */
  colour?: Colour;
  shape?: Shape;
  /** Pixels in the shape's region. */
  area: number;
}

/** True when the point (dx, dy) from a shape's centre lies inside it at half-extent r (world.py's shape_mask). */
export function inside(shape: Shape, dx: number, dy: number, r: number): boolean {
  if (shape === 'circle') return dx * dx + dy * dy <= r * r;
  if (shape === 'square') return Math.abs(dx) <= r * 0.9 && Math.abs(dy) <= r * 0.9;
  if (shape === 'triangle') {
    const top = -r, bottom = r * 0.8;
    return dy >= top && dy <= bottom && Math.abs(dx) <= ((dy - top) / (bottom - top)) * r;
  }
  const turn = (2 * Math.PI) / 5;
  const angle = Math.atan2(dy, dx) + Math.PI / 2;
  const k = (((angle % turn) + turn) % turn) / turn;
  const edge = r * (0.45 + 0.55 * Math.abs(1 - 2 * k) ** 1.6);
  return dx * dx + dy * dy <= edge * edge;
}

/** The index in COLOURS of the palette colour nearest to (r, g, b). */
export function nearest(r: number, g: number, b: number): number {
  let best = 0, bestDistance = Infinity;
  COLOURS.forEach((name, i) => {
    const [pr, pg, pb] = PALETTE[name];
    const d = (r - pr) ** 2 + (g - pg) ** 2 + (b - pb) ** 2;
    if (d < bestDistance) [best, bestDistance] = [i, d];
  });
  return best;
}

function mode(values: Iterable<number>): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

/** Palette labels of an RGBA image. */
export function labels(rgba: ArrayLike<number>, size: number): Uint8Array {
  const out = new Uint8Array(size * size);
  for (let i = 0; i < out.length; i++) out[i] = nearest(rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2]);
  return out;
}

function borderMode(label: Uint8Array, size: number): number {
  const border: number[] = [];
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    if (Math.min(x, y, size - 1 - x, size - 1 - y) < 2) border.push(label[y * size + x]);
  }
  return mode(border);
}

/** The largest 4-connected set of pixels whose label is not `background`. */
function largestRegion(label: Uint8Array, size: number, background: number): number[] {
  const seen = new Uint8Array(label.length);
  let best: number[] = [];
  for (let start = 0; start < label.length; start++) {
    if (seen[start] || label[start] === background) continue;
    const region: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      region.push(p);
      const x = p % size, y = (p - x) / size;
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]]) {
        const q = ny * size + nx;
        if (nx < 0 || ny < 0 || nx >= size || ny >= size || seen[q] || label[q] === background) continue;
        seen[q] = 1;
        stack.push(q);
      }
    }
    if (region.length > best.length) best = region;
  }
  return best;
}

/** Template area per r² and centroid offset per r, measured on a fine grid (no closed forms to get wrong). */
const TEMPLATE = Object.fromEntries(SHAPES.map((shape) => {
  let n = 0, sy = 0;
  for (let y = -1.2; y <= 1.2; y += 0.01) for (let x = -1.2; x <= 1.2; x += 0.01) {
    if (inside(shape, x, y, 1)) [n, sy] = [n + 1, sy + y];
  }
  return [shape, { area: n * 1e-4, centroidY: sy / n }];
})) as Record<Shape, { area: number; centroidY: number }>;

function iou(shape: Shape, region: Set<number>, size: number, cx: number, cy: number, r: number): number {
  const oy = cy - TEMPLATE[shape].centroidY * r;
  let both = 0, template = 0;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    if (!inside(shape, x + 0.5 - cx, y + 0.5 - oy, r)) continue;
    template++;
    if (region.has(y * size + x)) both++;
  }
  return both / (template + region.size - both);
}

/** The template that best overlaps `region`, each tried at the region's centroid and near its area. */
function classify(region: number[], size: number): Shape {
  const set = new Set(region);
  const cx = region.reduce((s, p) => s + (p % size) + 0.5, 0) / region.length;
  const cy = region.reduce((s, p) => s + Math.floor(p / size) + 0.5, 0) / region.length;
  const score = (shape: Shape) => {
    const r = Math.sqrt(region.length / TEMPLATE[shape].area);
    return Math.max(...[0.9, 1, 1.1].map((f) => iou(shape, set, size, cx, cy, r * f)));
  };
  return SHAPES.map((shape) => [shape, score(shape)] as const).sort((a, b) => b[1] - a[1])[0][0];
}

/** Reads background, shape colour and shape class from a square RGBA image. */
export function read(rgba: ArrayLike<number>, size: number): Reading {
  const label = labels(rgba, size);
  const background = borderMode(label, size);
  const region = largestRegion(label, size, background);
  if (region.length === 0) return { background: COLOURS[background], area: 0 };
  const colour = COLOURS[mode(region.map((p) => label[p]))];
  return { background: COLOURS[background], colour, shape: classify(region, size), area: region.length };
}
