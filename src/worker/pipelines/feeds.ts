/**
 * Builds the tensors each network is fed, in the element types its contract asks for
 * (float16 or float32 floats, int32 or int64 ids, any of four timestep forms).
 */
import { makeTensor, type OrtTensor } from '../runtime/ort.ts';
import { toFloat16Bits } from '../tensor/float16.ts';
import { guidanceScaleEmbedding } from '../tensor/guidance-embedding.ts';
import type { FloatValue, UnetContract } from '../models/contract.ts';

/** A float tensor in the element type the model declares (float16 values are rounded). */
export function floatTensor(values: Float32Array, dims: readonly number[], type: FloatValue['type']): OrtTensor {
  return type === 'float16' ? makeTensor('float16', toFloat16Bits(values), dims) : makeTensor('float32', values, dims);
}

/** Token ids as int32 or int64, shaped [batch, length]. */
export function idsTensor(ids: Int32Array, type: 'int32' | 'int64', batch: number): OrtTensor {
  const dims = [batch, ids.length / batch];
  return type === 'int64' ? makeTensor('int64', BigInt64Array.from(ids, BigInt), dims) : makeTensor('int32', ids, dims);
}

/**
 * The timestep in the form the U-Net declares: rank 0, [1] or [batch]; int64/int32 (truncated, as numpy's
 * cast in diffusers' ONNX pipeline does), float32 or float16.
 */
export function timestepTensor(t: number, contract: UnetContract['timestep'], batch: number): OrtTensor {
  const count = contract.rank === 0 ? 1 : contract.perBatch ? batch : 1;
  const dims = contract.rank === 0 ? [] : [count];
  switch (contract.type) {
    case 'int64': return makeTensor('int64', new BigInt64Array(count).fill(BigInt(Math.trunc(t))), dims);
    case 'int32': return makeTensor('int32', new Int32Array(count).fill(Math.trunc(t)), dims);
    case 'float16': return makeTensor('float16', toFloat16Bits(new Float32Array(count).fill(t)), dims);
    default: return makeTensor('float32', new Float32Array(count).fill(t), dims);
  }
}

/** An LCM U-Net's `timestep_cond`: the guidance-scale embedding, one row per batch entry. */
export function guidanceCondTensor(guidanceScale: number, cond: NonNullable<UnetContract['timestepCond']>, batch: number): OrtTensor {
  const row = guidanceScaleEmbedding(guidanceScale, cond.dim);
  const rows = new Float32Array(row.length * batch);
  for (let b = 0; b < batch; b += 1) rows.set(row, b * row.length);
  return floatTensor(rows, [batch, cond.dim], cond.type);
}

/** True when any value is NaN or infinite. */
export function hasNonFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i += 1) {
    if (!Number.isFinite(values[i])) return true;
  }
  return false;
}
