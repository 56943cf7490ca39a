// float16 encoding: round to nearest even, subnormals, overflow to infinity, NaN; and the round trip.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromFloat16Bits, toFloat16Bits } from '../../../src/worker/tensor/float16.ts';

describe('float16', () => {
  it('encodes known values exactly', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
      [65520, 0x7c00], [1e9, 0x7c00], [Infinity, 0x7c00], [-Infinity, 0xfc00],
      [2 ** -24, 0x0001], [2 ** -14, 0x0400], [0.1, 0x2e66], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02],
    ];
    const bits = toFloat16Bits(Float32Array.from(cases.map(([v]) => v)));
    cases.forEach(([value, expected], i) => assert.equal(bits[i], expected, `${value}`));
  });

  it('keeps NaN a NaN', () => {
    assert.ok(Number.isNaN(fromFloat16Bits(toFloat16Bits(Float32Array.of(Number.NaN)))[0]));
  });

  it('round-trips every finite half value', () => {
    const all = new Uint16Array(0x10000).map((_, i) => i);
    const finite = all.filter((h) => (h & 0x7c00) !== 0x7c00);
    assert.deepEqual(toFloat16Bits(fromFloat16Bits(finite)), finite);
  });
});
