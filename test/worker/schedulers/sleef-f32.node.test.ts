// torch's float32 exp / log / expm1 (SLEEF's 1-ulp kernels), bit for bit against torch 1.13 itself
// (test/fixtures/oracle/torch-f32-math.json, from tools/oracle/schedulers/torch_f32_math.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { expF32, expm1F32, fma32, logF32 } from '../../../src/worker/schedulers/sleef-f32.ts';

type Pairs = Array<[number, number]>;
const oracle = JSON.parse(
  readFileSync(new URL('../../fixtures/oracle/torch-f32-math.json', import.meta.url), 'utf8'),
) as { log: Pairs; exp: Pairs; expm1: Pairs };
const f32 = Math.fround;

describe('torch float32 math (SLEEF port)', () => {
  for (const [name, fn, naive] of [
    ['log', logF32, (x: number) => f32(Math.log(x))],
    ['exp', expF32, (x: number) => f32(Math.exp(x))],
    ['expm1', expm1F32, (x: number) => f32(Math.expm1(x))],
  ] as const) {
    it(`${name}: every value as torch gives it`, () => {
      let correctlyRoundedDiffers = 0;
      for (const [x, expected] of oracle[name]) {
        assert.ok(Object.is(fn(x), expected), `${name}(${x}) = ${fn(x)}, torch ${expected}`);
        if (!Object.is(naive(x), expected)) correctlyRoundedDiffers += 1;
      }
      // Why the port exists: Math.* rounded to float32 misses some of these.
      console.log(`# ${name}: ${oracle[name].length} values exact; f32(Math.${name}) differs on ${correctlyRoundedDiffers}`);
    });
  }

  it('fma32 rounds once, also where float64 rounding lands on a float32 midpoint', () => {
    // 1 + 2^-24 is the midpoint between 1 and the next float32; a tiny positive c must push it up.
    assert.equal(fma32(1, 1, 2 ** -24 + 2 ** -60), f32(1 + 2 ** -23));
    assert.equal(fma32(1, 1, 2 ** -24), 1);
    assert.equal(fma32(f32(1 + 2 ** -12), f32(1 + 2 ** -12), -1), f32(2 ** -11 + 2 ** -24));
  });
});
