// torchsde 0.2.6's BrownianTree, numpy's SeedSequence and Python's round(x, 6), against the numbers the real code
// gives (test/fixtures/oracle/brownian-tree.json, from tools/oracle/schedulers/brownian_tree.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { BrownianTree } from '../../../src/worker/schedulers/brownian-tree.ts';
import { pythonRound } from '../../../src/worker/schedulers/python-round.ts';
import { seedSequenceState } from '../../../src/worker/schedulers/seed-sequence.ts';

interface Query { readonly ta: number; readonly tb: number; readonly w: number[] }
interface TreeCase { readonly seed: string; readonly t0: number; readonly t1: number; readonly shape: number[]; readonly queries: Query[] }
interface Oracle {
  readonly trees: TreeCase[];
  readonly seed_sequences: { entropy: string; spawn_key: string[]; pool_size: number; state: number[] }[];
  readonly rounds: { x: number; rounded: number }[];
}

const oracle = JSON.parse(
  readFileSync(new URL('../../fixtures/oracle/brownian-tree.json', import.meta.url), 'utf8'),
) as Oracle;
// torchsde computes in float32 (the dtype of w0); the port rounds each operation the same way, so this is slack.
const TOLERANCE = 1e-6;
let worst = 0;

/** Max |actual - expected| over max |expected|. */
function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'length');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i += 1) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

describe('numpy SeedSequence', () => {
  it('generate_state matches numpy, with and without spawn keys, for small and huge entropy', () => {
    for (const row of oracle.seed_sequences) {
      const state = seedSequenceState(BigInt(row.entropy), row.spawn_key.map(BigInt), row.pool_size, row.state.length);
      assert.deepEqual([...state], row.state, `entropy ${row.entropy} spawn_key ${row.spawn_key.join(',')}`);
    }
  });
});

describe('Python round(x, 6)', () => {
  it('matches CPython, exact ties to even included', () => {
    for (const { x, rounded } of oracle.rounds) assert.equal(pythonRound(x, 6), rounded, `round(${x}, 6)`);
  });
});

describe('torchsde BrownianTree', () => {
  for (const c of oracle.trees) {
    it(`seed ${c.seed}, [${c.t0}, ${c.t1}], shape ${c.shape.join('x')}: every query as torchsde answers it`, () => {
      const tree = new BrownianTree(c.t0, c.t1, numel(c.shape), BigInt(c.seed));
      for (const q of c.queries) {
        const error = relError(tree.increment(q.ta, q.tb), q.w);
        worst = Math.max(worst, error);
        assert.ok(error <= TOLERANCE, `[${q.ta}, ${q.tb}]: relative error ${error}`);
      }
    });
  }

  it('answers a query the same whatever was asked before (the tree, not the query order, fixes the path)', () => {
    const c = oracle.trees[1]!;
    const fresh = new BrownianTree(c.t0, c.t1, numel(c.shape), BigInt(c.seed));
    for (const q of [...c.queries].reverse()) assert.ok(relError(fresh.increment(q.ta, q.tb), q.w) <= TOLERANCE);
  });

  it('is additive over adjacent intervals and zero over an empty one', () => {
    const tree = new BrownianTree(0, 1, 20, 3);
    const whole = tree.increment(0.2, 0.9);
    const left = tree.increment(0.2, 0.55);
    const right = tree.increment(0.55, 0.9);
    assert.ok(relError(left.map((v, i) => v + right[i]!), whole) < 1e-6);
    assert.deepEqual([...tree.increment(0.4, 0.4)], new Array(20).fill(0));
    // Ends that round to the same microsecond: torchsde recurses without end there; the increment is empty.
    assert.deepEqual([...tree.increment(0.3, 0.3000004)], new Array(20).fill(0));
    assert.throws(() => tree.increment(0.9, 0.2), RangeError);
  });

  after(() => console.log(`# BrownianTree vs torchsde: worst relative error ${worst.toExponential(2)}`));
});
