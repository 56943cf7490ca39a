/**
 * VAE encoding: RGBA pixels -> [-1, 1] planar -> encoder -> latents x scaling factor. diffusers'
 * `retrieve_latents(..., generator)` draws the posterior sample from the request's generator once per encoded
 * image, so every encode here consumes one draw of the latent shape: encoders that return the distribution
 * (mean + logvar) use it as the posterior noise; encoders that return an already-sampled `latent_sample`
 * (diffusers' ONNX export) discard it, so the later draws (the noise, ancestral steps) line up with diffusers.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { LoadedModel } from '../models/load-model.ts';
import type { LoadContext } from '../models/load-model.ts';
import { floatData, runSession } from '../runtime/ort.ts';
import { rgbaToPlanar } from '../tensor/image.ts';
import type { TorchGenerator } from '../tensor/random.ts';
import { floatTensor, hasNonFinite } from './feeds.ts';

/** Samples N(mean, exp(logvar)) with logvar clamped to [-30, 20] like DiagonalGaussianDistribution. */
function sampleLatents(parameters: Float32Array, generator: TorchGenerator): Float32Array {
  const half = parameters.length / 2;
  const noise = generator.randn(half);
  const latents = new Float32Array(half);
  for (let i = 0; i < half; i += 1) {
    const logvar = Math.min(Math.max(parameters[half + i], -30), 20);
    latents[i] = parameters[i] + Math.exp(0.5 * logvar) * noise[i];
  }
  return latents;
}

/** Encodes planar [3, h, w] pixels in [-1, 1] to scaled [4, h/8, w/8] latents. */
export async function encodePlanar(
  model: LoadedModel, planar: Float32Array, width: number, height: number, generator: TorchGenerator, load: LoadContext,
): Promise<Float32Array> {
  const { session, contract } = await model.vaeEncoder(load);
  const outputs = await runSession(session, { [contract.input.name]: floatTensor(planar, [1, 3, height, width], contract.input.type) }, 'VAE encoder');
  const raw = floatData(outputs[contract.output.name]);
  if (hasNonFinite(raw)) throw new DiffusionError('nan-output', 'The VAE encoder produced NaN or infinite values.');
  let latents: Float32Array;
  if (contract.returnsParameters) latents = sampleLatents(raw, generator);
  else {
    generator.randn(raw.length);
    latents = Float32Array.from(raw);
  }
  for (let i = 0; i < latents.length; i += 1) latents[i] *= model.scalingFactor;
  return latents;
}

/** Encodes an RGBA image (already at the generation size). */
export function encodeImage(model: LoadedModel, image: ImageData, generator: TorchGenerator, load: LoadContext): Promise<Float32Array> {
  return encodePlanar(model, rgbaToPlanar(image.data, image.width, image.height), image.width, image.height, generator, load);
}

/**
 * Advances `generator` exactly as encoding would (one draw of the latent shape, whatever the encoder returns),
 * without running the encoder: diffusers encodes the masked image even for 4-channel U-Nets that never use it,
 * and later draws must line up with its stream.
 */
export function skipEncodeDraws(count: number, generator: TorchGenerator): void {
  generator.randn(count);
}
