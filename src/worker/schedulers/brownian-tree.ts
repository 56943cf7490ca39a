/**
 * torchsde 0.2.6's `BrownianTree(t0, w0, t1, entropy=seed)` (a `BrownianInterval` with `halfway_tree=True`,
 * `tol=1e-6`, `pool_size=24`, no Lévy area), number for number, for DPMSolverSDEScheduler's noise.
 *
 * The Brownian motion over [t0, t1] is a dyadic tree of intervals. The root's increment is `randn * sqrt(t1 - t0)`;
 * a node split at its (rounded) halfway point gives its left child the Brownian-bridge sample
 * `mean + sqrt(var) * randn` and its right child the rest, where each node's randn comes from a fresh torch
 * generator seeded by numpy's `SeedSequence(entropy, spawn_key=(path, depth))`. A query [ta, tb] is the sum of the
 * canonical tree intervals that cover it, so the same entropy gives the same motion whatever the query order.
 *
 * Precision, as torchsde computes it: times, bridge coefficients and variances are Python floats (float64); every
 * tensor operation is float32 (the scalar rounded to float32 first), so each one is rounded with `Math.fround`.
 * All times are quantised with Python's `round(t, 6)` (tol 1e-6), which is why `pythonRound` must be exact.
 */
import { TorchGenerator } from '../tensor/random.ts';
import { pythonRound } from './python-round.ts';
import { seedSequenceState, type SeedWord } from './seed-sequence.ts';

const f32 = Math.fround;
/** `-int(log10(tol))` for torchsde's BrownianTree default tol of 1e-6. */
const ROUND_DIGITS = 6;
/** BrownianTree's default `pool_size` for the SeedSequences. */
const POOL_SIZE = 24;
/**
 * Node increments kept in memory: torchsde keeps 45 (`cache_size`), which for a sampler's queries evicts the upper
 * nodes every query and recomputes them (one randn of the full sample each, ~3 ms at 64x64x4). Values never depend
 * on the cache, so here it holds as many as fit in 16 MiB (at least 45), least recently used out first.
 */
const CACHE_BYTES = 16 * 2 ** 20;
const MIN_CACHE_ENTRIES = 45;

const round = (t: number): number => pythonRound(t, ROUND_DIGITS);

/** One node of the tree: [start, end], split at `midway` once something inside it was asked for. */
class Interval {
  readonly start: number;
  readonly end: number;
  readonly parent: Interval | null;
  readonly isLeft: boolean;
  /** Set by the split: the rounded halfway point, the seed of the bridge noise, and the two children. */
  midway: number | null = null;
  spawnKey = 0n;
  depth = 0;
  noiseSeed = 0;
  left: Interval | null = null;
  right: Interval | null = null;

  constructor(start: number, end: number, parent: Interval | null, isLeft: boolean) {
    this.start = round(start);
    this.end = round(end);
    this.parent = parent;
    this.isLeft = isLeft;
  }
}

/** Brownian motion over [t0, t1] with fixed entropy, giving torchsde's increments `W(tb) - W(ta)`. */
export class BrownianTree {
  /** The number of elements of each sample (torchsde's `w0.numel()`). */
  readonly size: number;
  readonly #entropy: SeedWord;
  readonly #root: Interval;
  readonly #rootIncrement: Float32Array;
  readonly #cache = new Map<Interval, Float32Array>();
  readonly #cacheEntries: number;
  #lastInterval: Interval;

  /** `torchsde.BrownianTree(t0, torch.zeros(size), t1, entropy=entropy)`, float32; needs t0 <= t1. */
  constructor(t0: number, t1: number, size: number, entropy: SeedWord) {
    if (!(t0 <= t1)) throw new RangeError(`BrownianTree: t0 ${t0} must not exceed t1 ${t1}.`);
    this.size = size;
    this.#cacheEntries = Math.max(MIN_CACHE_ENTRIES, Math.floor(CACHE_BYTES / (4 * Math.max(size, 1))));
    this.#entropy = entropy;
    this.#root = new Interval(t0, t1, null, false);
    this.#lastInterval = this.#root;
    // generate_state(3) also seeds the space-time Lévy area and Lévy area noise, which this tree never uses.
    const [rootSeed] = seedSequenceState(entropy, [], POOL_SIZE, 3);
    // torchsde scales by the unrounded times here.
    this.#rootIncrement = scale(this.#randn(rootSeed!), f32(Math.sqrt(t1 - t0)));
  }

  /** `tree(ta, tb)`: the increment over [ta, tb], times clamped into [t0, t1] (torchsde warns there) and ta <= tb. */
  increment(ta: number, tb: number): Float32Array {
    const { start, end } = this.#root;
    const a = Math.min(Math.max(ta, start), end);
    const b = Math.min(Math.max(tb, start), end);
    if (a > b) throw new RangeError(`BrownianTree: query times ta=${ta} and tb=${tb} must respect ta <= tb.`);
    const [ra, rb] = [round(a), round(b)];
    // Ends that round to one time: torchsde's halving can then never reach the point and recurses until Python's
    // RecursionError (or, by luck of rounding, finds an empty interval, whose increment is zero); zero it is.
    if (a === b || ra === rb) return new Float32Array(this.size);
    const intervals: Interval[] = [];
    this.#locate(this.#lastInterval, ra, rb, intervals);
    this.#lastInterval = intervals[intervals.length - 1]!;
    const total = Float32Array.from(this.#intervalIncrement(intervals[0]!));
    for (const interval of intervals.slice(1)) {
      const part = this.#intervalIncrement(interval);
      for (let i = 0; i < total.length; i += 1) total[i] = total[i]! + part[i]!;
    }
    return total;
  }

  /** `_loc_inner`: appends to `out`, left to right, the tree intervals that exactly cover [ta, tb], splitting as needed. */
  #locate(from: Interval, ta: number, tb: number, out: Interval[]): void {
    let node = from;
    // A node only answers for its own span; anything wider goes to its parent, which is strictly larger.
    while (ta < node.start || tb > node.end) node = node.parent!;
    if (ta === node.start && tb === node.end) {
      out.push(node);
      return;
    }
    if (node.midway === null) {
      this.#split(node, ta === node.start ? tb : ta);
      this.#locate(ta === node.start ? node.left! : node.right!, ta, tb, out);
      return;
    }
    if (tb <= node.midway) return this.#locate(node.left!, ta, tb, out);
    if (ta >= node.midway) return this.#locate(node.right!, ta, tb, out);
    this.#locate(node.left!, ta, node.midway, out);
    this.#locate(node.right!, node.midway, tb, out);
  }

  /** `_split` of the halfway tree: halve (rounded) until `point` is a split point. */
  #split(node: Interval, point: number): void {
    for (let at: Interval | null = node; at !== null;) {
      const midway = this.#splitAtHalfway(at);
      at = point > midway ? at.right : point < midway ? at.left : null;
    }
  }

  /** `_split_exact` at the node's halfway point: children, and the seed of the noise that divides the increment. */
  #splitAtHalfway(node: Interval): number {
    const halfway = 0.5 * (node.end + node.start);
    node.midway = round(halfway);
    if (node.parent !== null) {
      node.spawnKey = 2n * node.parent.spawnKey + (node.isLeft ? 0n : 1n);
      node.depth = node.parent.depth + 1;
    }
    node.noiseSeed = seedSequenceState(this.#entropy, [node.spawnKey, node.depth], POOL_SIZE, 4)[0]!;
    node.left = new Interval(node.start, halfway, node, true);
    node.right = new Interval(halfway, node.end, node, false);
    return node.midway;
  }

  /** The increment over one tree interval: from the nearest ancestor known, bridging down one level at a time. */
  #intervalIncrement(node: Interval): Float32Array {
    const path: Interval[] = [];
    let known: Float32Array | undefined;
    for (let at: Interval = node; known === undefined; at = at.parent!) {
      known = at === this.#root ? this.#rootIncrement : this.#recall(at);
      if (known === undefined) path.push(at);
    }
    for (let k = path.length - 1; k >= 0; k -= 1) {
      const [left, right] = this.#bridge(path[k]!.parent!, known);
      // The sibling comes free with the same noise and is often the next query's piece: both are kept.
      this.#remember(path[k]!.parent!.left!, left);
      this.#remember(path[k]!.parent!.right!, right);
      known = path[k]!.isLeft ? left : right;
    }
    return known;
  }

  /**
   * Both children's increments from the parent's (torchsde's branch without space-time Lévy area): the left one is
   * the Brownian-bridge sample `mean + sqrt(var) * noise`, the right one the rest. torchsde draws the parent's
   * noise again for each child from the same seed, so drawing it once gives the same numbers.
   */
  #bridge(parent: Interval, parentIncrement: Float32Array): [Float32Array, Float32Array] {
    const midway = parent.midway!;
    const hReciprocal = 1 / (parent.end - parent.start);
    const leftDiff = midway - parent.start;
    const rightDiff = parent.end - midway;
    const meanScale = f32(leftDiff);
    const meanReciprocal = f32(hReciprocal);
    const deviation = f32(Math.sqrt(leftDiff * rightDiff * hReciprocal));
    const noise = this.#randn(parent.noiseSeed);
    const left = new Float32Array(this.size);
    const right = new Float32Array(this.size);
    for (let i = 0; i < left.length; i += 1) {
      const w = parentIncrement[i]!;
      const leftW = f32(f32(f32(meanScale * w) * meanReciprocal) + f32(deviation * noise[i]!));
      left[i] = leftW;
      right[i] = w - leftW;
    }
    return [left, right];
  }

  /** A cached increment, marked as just used. */
  #recall(node: Interval): Float32Array | undefined {
    const increment = this.#cache.get(node);
    if (increment !== undefined) {
      this.#cache.delete(node);
      this.#cache.set(node, increment);
    }
    return increment;
  }

  /** Caches an increment; the least recently used goes once the cache is full. */
  #remember(node: Interval, increment: Float32Array): void {
    this.#cache.delete(node);
    if (this.#cache.size >= this.#cacheEntries) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(node, increment);
  }

  #randn(seed: number): Float32Array {
    return new TorchGenerator(seed).randn(this.size);
  }
}

function scale(x: Float32Array, factor: number): Float32Array {
  for (let i = 0; i < x.length; i += 1) x[i] = f32(x[i]! * factor);
  return x;
}
