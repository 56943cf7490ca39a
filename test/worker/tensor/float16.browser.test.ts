// The browser's native Float16Array path agrees with the portable loops that Node 20 runs, bit for bit.
import { equal, ok } from '../../helpers/assert.ts';
import { fromFloat16Bits, fromFloat16BitsPortable, toFloat16Bits, toFloat16BitsPortable } from '../../../src/worker/tensor/float16.ts';

const isNaNHalf = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

describe('float16 in the browser', () => {
  it('has Float16Array, so the native path is the one tested here', () => {
    ok('Float16Array' in globalThis);
  });

  it('decodes every half value as the portable table does', () => {
    const all = new Uint16Array(0x10000).map((_, i) => i);
    const native = fromFloat16Bits(all);
    const portable = fromFloat16BitsPortable(all);
    let differences = 0;
    for (let h = 0; h < 0x10000; h += 1) {
      const same = isNaNHalf(h) ? Number.isNaN(native[h]) && Number.isNaN(portable[h]) : Object.is(native[h], portable[h]);
      if (!same) differences += 1;
    }
    equal(differences, 0);
  });

  it('rounds float32 values as the portable loop does, ties and subnormals included', () => {
    // Every half value, the midpoints between neighbours (ties to even), values just either side, and random ones.
    const halves = fromFloat16BitsPortable(new Uint16Array(0x7c00).map((_, i) => i));
    const values: number[] = [];
    for (let i = 0; i + 1 < halves.length; i += 1) {
      const mid = (halves[i] + halves[i + 1]) / 2;
      values.push(halves[i], mid, -mid, Math.fround(mid) * (1 + 2 ** -20), Math.fround(mid) * (1 - 2 ** -20));
    }
    for (let i = 0; i < 10000; i += 1) values.push((Math.random() - 0.5) * 2 ** (Math.random() * 40 - 25));
    values.push(65504, 65519, 65520, 1e9, -1e9, Infinity, -Infinity, 0, -0);
    const input = Float32Array.from(values);
    const native = toFloat16Bits(input);
    const portable = toFloat16BitsPortable(input);
    const first = native.findIndex((bits, i) => bits !== portable[i]);
    equal(first, -1, first >= 0 ? `${input[first]}: native ${native[first]}, portable ${portable[first]}` : '');
    ok(isNaNHalf(toFloat16Bits(Float32Array.of(Number.NaN))[0]));
  });
});
