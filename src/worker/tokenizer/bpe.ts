/**
 * The BPE merge loop of openai's `SimpleTokenizer.bpe()`: repeatedly merge every occurrence of the
 * lowest-ranked adjacent pair, left to right, until no ranked pair is left.
 */

/** The end-of-word marker that BPE glues to a word's last symbol. */
export const END_OF_WORD = '</w>';

// Words up to this many symbols (practically every real word) run the literal port of openai's loop; longer
// ones run the heap version, which gives the same result in O(n log n) instead of O(n^2).
const SHORT_WORD = 64;

/** A merge table: the rank of each mergeable pair, keyed `"first second"` as in `merges.txt`. */
export class BpeMerger {
  readonly #ranks = new Map<string, number>();

  /** `merges[rank]` is the pair merged at that rank, written `"first second"`. */
  constructor(merges: readonly string[]) {
    // openai builds `dict(zip(merges, range(...)))`, so a repeated pair keeps its last rank.
    merges.forEach((pair, rank) => this.#ranks.set(pair, rank));
  }

  #rank(a: string, b: string): number {
    return this.#ranks.get(`${a} ${b}`) ?? Infinity;
  }

  /** The BPE pieces of one word (already spelled in the byte alphabet), the last one ending in `</w>`. */
  merge(word: string): string[] {
    const symbols = Array.from(word);
    if (symbols.length === 0) return [];
    symbols[symbols.length - 1] += END_OF_WORD;
    return symbols.length <= SHORT_WORD ? this.#mergeShort(symbols) : this.#mergeLong(symbols);
  }

  /** openai's loop as written: find the best pair, merge all its occurrences left to right, repeat. */
  #mergeShort(start: string[]): string[] {
    let word = start;
    while (word.length > 1) {
      let best = Infinity;
      for (let i = 0; i + 1 < word.length; i++) best = Math.min(best, this.#rank(word[i] as string, word[i + 1] as string));
      if (best === Infinity) break;
      const next: string[] = [];
      for (let i = 0; i < word.length; i++) {
        const a = word[i] as string;
        const b = word[i + 1];
        if (b !== undefined && this.#rank(a, b) === best) {
          next.push(a + b);
          i += 1;
        } else {
          next.push(a);
        }
      }
      word = next;
    }
    return word;
  }

  /**
   * The same merges with a heap of (rank, position) over a linked list. It matches the literal loop because a
   * trained merge table only ever ranks a pair after the merges that made its parts (checked in the tests), so
   * a merge never creates a pair that outranks the one being merged, and equal ranks pop left to right.
   */
  #mergeLong(symbol: string[]): string[] {
    const n = symbol.length;
    const next = new Int32Array(n).map((_, i) => (i + 1 < n ? i + 1 : -1));
    const prev = new Int32Array(n).map((_, i) => i - 1);
    const swallowed = new Uint8Array(n);
    const heap = new MinHeap();
    const push = (left: number): void => {
      const right = left < 0 ? -1 : (next[left] as number);
      if (right < 0) return;
      const rank = this.#rank(symbol[left] as string, symbol[right] as string);
      if (rank !== Infinity) heap.push(rank * n + left);
    };
    for (let i = 0; i + 1 < n; i++) push(i);
    while (heap.size > 0) {
      const key = heap.pop();
      const rank = Math.floor(key / n);
      const left = key - rank * n;
      const right = next[left] as number;
      // Stale entries: the left symbol was swallowed, or it or its neighbour changed since the entry was pushed.
      if (swallowed[left] === 1 || right < 0 || this.#rank(symbol[left] as string, symbol[right] as string) !== rank) continue;
      symbol[left] = (symbol[left] as string) + (symbol[right] as string);
      swallowed[right] = 1;
      const after = next[right] as number;
      next[left] = after;
      if (after >= 0) prev[after] = left;
      push(prev[left] as number);
      push(left);
    }
    const out: string[] = [];
    for (let i = 0; i >= 0; i = next[i] as number) out.push(symbol[i] as string);
    return out;
  }
}

/** A binary min-heap of non-negative numbers. */
class MinHeap {
  readonly #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(value: number): void {
    const items = this.#items;
    let i = items.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as number) <= value) break;
      items[i] = items[parent] as number;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.#items;
    const top = items[0] as number;
    const last = items.pop() as number;
    if (items.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= items.length) break;
      const r = l + 1;
      const child = r < items.length && (items[r] as number) < (items[l] as number) ? r : l;
      if ((items[child] as number) >= last) break;
      items[i] = items[child] as number;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
