/**
 * Inpainting, as diffusers' StableDiffusionInpaintPipeline, for both kinds of U-Net:
 * - 9 channels (inpainting models): each step sees [latents, mask, masked-image latents];
 * - 4 channels (any model): after each step the known region is put back, noised to the next timestep.
 * Both end by compositing with the original through a feathered mask, so pixels beyond the feather are
 * returned unchanged, byte for byte.
 */
import type { LoadedModel } from '../models/load-model.ts';
import type { Scheduler } from '../schedulers/scheduler.ts';
import { rgbaToPlanar } from '../tensor/image.ts';
import { binaryMask, composite, featherMask, latentMask } from '../tensor/mask.ts';
import { resizeImageData } from '../tensor/resize.ts';
import { encodeImage, encodePlanar, skipEncodeDraws } from './encode-image.ts';
import { latentSize, strengthTimesteps, type LatentsInput, type Mode, type ModeStart, type PipelineRequest } from './mode.ts';

/** Mask blur in pixels for the final composite (AUTOMATIC1111's default). */
export const MASK_BLUR = 4;

/** The masked image of diffusers: image x (mask < 0.5) in [-1, 1] space (repainted pixels become 0). */
function maskedPlanar(image: ImageData, mask: Uint8Array): Float32Array {
  const planar = rgbaToPlanar(image.data, image.width, image.height);
  const plane = mask.length;
  for (let c = 0; c < 3; c += 1) for (let i = 0; i < plane; i += 1) if (mask[i]) planar[c * plane + i] = 0;
  return planar;
}

/** A mid-grey picture: what AUTOMATIC1111 conditions an inpainting model on for text-to-image. */
function greyImage(width: number, height: number): ImageData {
  const data = new Uint8ClampedArray(width * height * 4).fill(128);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return new ImageData(data, width, height);
}

/** The 4-channel after-step hook: the known region back, noised to the next timestep (none after the last). */
function putBackKnown(scheduler: Scheduler, timesteps: readonly number[], imageLatents: Float32Array, noise: Float32Array, smallMask: Float32Array) {
  const plane = smallMask.length;
  return (current: Float32Array, index: number): Float32Array => {
    const next = timesteps[index + 1];
    const known = next === undefined ? imageLatents : scheduler.addNoise(imageLatents, noise, next);
    for (let i = 0; i < current.length; i += 1) {
      const m = smallMask[i % plane]!;
      current[i] = (1 - m) * known[i]! + m * current[i]!;
    }
    return current;
  };
}

/** [mask, masked-image latents]: the channels a 9-channel U-Net takes after the latents. */
async function maskChannels(model: LoadedModel, image: ImageData, mask: Uint8Array, smallMask: Float32Array, input: LatentsInput): Promise<Float32Array> {
  const { width, height } = image;
  const maskedLatents = await encodePlanar(model, maskedPlanar(image, mask), width, height, input.generator, input.load);
  const channels = new Float32Array(smallMask.length + maskedLatents.length);
  channels.set(smallMask, 0);
  channels.set(maskedLatents, smallMask.length);
  return channels;
}

/** Latents in diffusers' generator order: image latents, noise, masked-image latents (4 channels: a skipped draw). */
async function inpaintStart(image: ImageData, mask: Uint8Array, strength: number, request: PipelineRequest, input: LatentsInput): Promise<ModeStart> {
  const { model, scheduler, generator, latentShape, load } = input;
  const nineChannel = model.unet.contract.channels === 9;
  const timesteps = strengthTimesteps(scheduler, request.steps, strength);
  const fromNoise = strength >= 1;
  const size = latentSize(latentShape);
  const imageLatents = !nineChannel || !fromNoise ? await encodeImage(model, image, generator, load) : undefined;
  const noise = generator.randn(size);
  const latents = fromNoise || !imageLatents
    ? noise.map((v: number) => v * scheduler.initNoiseSigma)
    : scheduler.addNoise(imageLatents, noise, timesteps[0]!);
  const smallMask = latentMask(mask, image.width, image.height, latentShape[2], latentShape[1]);
  const extraChannels = nineChannel ? await maskChannels(model, image, mask, smallMask, input) : undefined;
  if (!nineChannel) skipEncodeDraws(size, generator);
  const featherWeights = featherMask(mask, image.width, image.height, request.maskBlur ?? MASK_BLUR);
  return {
    latents, timesteps, extraChannels,
    afterStep: nineChannel ? undefined : putBackKnown(scheduler, timesteps, imageLatents!, noise, smallMask),
    finish: (decoded) => composite(image, decoded, featherWeights),
  };
}

/**
 * Repaints where the mask is white; an empty mask returns the image without running the U-Net. Without a mask
 * (an inpainting U-Net asked for text-to-image or image-to-image) it works as AUTOMATIC1111 does: a full mask,
 * so the masked-image channels are the latents of a grey picture, and text-to-image starts from pure noise.
 */
export const inpaintMode: Mode = async (request) => {
  const { width, height } = request;
  const image = request.image ? await resizeImageData(request.image, width, height) : greyImage(width, height);
  const mask = request.mask ? binaryMask(await resizeImageData(request.mask, width, height)) : new Uint8Array(width * height).fill(1);
  const strength = request.image ? request.strength : 1;
  return {
    unchanged: mask.includes(1) ? undefined : image,
    start: (input) => inpaintStart(image, mask, strength, request, input),
  };
};
