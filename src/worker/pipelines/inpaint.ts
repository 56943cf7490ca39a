/**
 * Inpainting, as diffusers' StableDiffusionInpaintPipeline, for both kinds of U-Net:
 * - 9 channels (inpainting models): each step sees [latents, mask, masked-image latents];
 * - 4 channels (any model): after each step the known region is put back, noised to the next timestep.
 * Both end by compositing with the original through a feathered mask, so pixels beyond the feather are
 * returned unchanged, byte for byte.
 */
import type { LoadedModel } from '../models/load-model.ts';
import type { WorkerResult } from '../protocol/types.ts';
import { createScheduler } from '../schedulers/registry.ts';
import { rgbaToPlanar } from '../tensor/image.ts';
import { binaryMask, composite, featherMask, latentMask } from '../tensor/mask.ts';
import { TorchGenerator } from '../tensor/random.ts';
import { resizeImageData } from '../tensor/resize.ts';
import { decodeLatents } from './decode-latents.ts';
import { denoise } from './denoise.ts';
import { encodeImage, encodePlanar, skipEncodeDraws } from './encode-image.ts';
import { encodePrompt } from './encode-prompt.ts';
import type { PipelineRequest } from './generate.ts';
import { strengthTimesteps } from './image-to-image.ts';
import type { RunContext } from './run-context.ts';
import { Stopwatch } from './stopwatch.ts';

/** Mask blur in pixels for the final composite (AUTOMATIC1111's default). */
export const MASK_BLUR = 4;

/** The masked image of diffusers: image x (mask < 0.5) in [-1, 1] space (repainted pixels become 0). */
function maskedPlanar(image: ImageData, mask: Uint8Array): Float32Array {
  const planar = rgbaToPlanar(image.data, image.width, image.height);
  const plane = mask.length;
  for (let c = 0; c < 3; c += 1) for (let i = 0; i < plane; i += 1) if (mask[i]) planar[c * plane + i] = 0;
  return planar;
}

/** Repaints where the mask is white. An empty mask returns the image without running the U-Net. */
export async function inpaint(model: LoadedModel, request: PipelineRequest, context: RunContext): Promise<WorkerResult> {
  const stopwatch = new Stopwatch();
  const { width, height, guidanceScale, seed } = request;
  const nineChannel = model.unet.contract.channels === 9;

  // 1. Image and mask at the generation size; nothing to repaint means nothing to run.
  const image = await resizeImageData(request.image!, width, height);
  const mask = binaryMask(await resizeImageData(request.mask!, width, height));
  const scheduler = createScheduler(request.schedulerConfig);
  if (!mask.includes(1)) return { image, seed, timings: stopwatch.finish(), scheduler: scheduler.config };

  // 2. Scheduler and the timesteps strength keeps.
  scheduler.setTimesteps(request.steps);
  const timesteps = strengthTimesteps(scheduler, request.steps, request.strength);
  const fromNoise = request.strength >= 1;

  // 3. Encode the prompt.
  context.progress({ phase: 'encode' });
  const text = await encodePrompt(model, request.prompt, request.negativePrompt, guidanceScale);

  // 4. Latents, in diffusers' generator order: image latents, noise, masked-image latents.
  const generator = new TorchGenerator(seed);
  const latentShape = [4, height / 8, width / 8] as const;
  const size = latentShape[0] * latentShape[1] * latentShape[2];
  const imageLatents = !nineChannel || !fromNoise ? await encodeImage(model, image, generator, context.load) : undefined;
  const noise = generator.randn(size);
  const latents = fromNoise || !imageLatents
    ? noise.map((v: number) => v * scheduler.initNoiseSigma)
    : scheduler.addNoise(imageLatents, noise, timesteps[0]);
  const smallMask = latentMask(mask, width, height, latentShape[2], latentShape[1]);
  let extraChannels: Float32Array | undefined;
  if (nineChannel) {
    const maskedLatents = await encodePlanar(model, maskedPlanar(image, mask), width, height, generator, context.load);
    extraChannels = new Float32Array(smallMask.length + maskedLatents.length);
    extraChannels.set(smallMask, 0);
    extraChannels.set(maskedLatents, smallMask.length);
  } else {
    skipEncodeDraws(size, generator);
  }
  stopwatch.encoded();

  // 5. Denoise; a 4-channel U-Net gets the known region back after every step.
  const plane = smallMask.length;
  const putBack = (current: Float32Array, index: number) => {
    const next = timesteps[index + 1];
    const known = next === undefined ? imageLatents! : scheduler.addNoise(imageLatents!, noise, next);
    for (let i = 0; i < current.length; i += 1) {
      const m = smallMask[i % plane];
      current[i] = (1 - m) * known[i] + m * current[i];
    }
    return current;
  };
  const denoised = await denoise(model, latents, {
    scheduler, timesteps, text, guidanceScale, generator, latentShape, extraChannels,
    afterStep: nineChannel ? undefined : putBack,
    beforeStep: () => context.checkpoint(),
    onStep: stopwatch.stepReporter(context),
  });

  // 6. Decode, then composite with the original through the feathered mask.
  stopwatch.decoding(context);
  const generated = await decodeLatents(model, denoised, width, height);
  const result = composite(image, generated, featherMask(mask, width, height, request.maskBlur ?? MASK_BLUR));
  return { image: result, seed, timings: stopwatch.finish(), scheduler: scheduler.config };
}
