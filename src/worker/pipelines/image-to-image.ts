/**
 * Image-to-image (SDEdit), as diffusers' StableDiffusionImg2ImgPipeline: encode the image, noise it to the
 * timestep that `strength` selects, and denoise only the remaining steps.
 */
import { resizeImageData } from '../tensor/resize.ts';
import { encodeImage } from './encode-image.ts';
import { latentSize, strengthTimesteps, type Mode } from './mode.ts';

/**
 * From an image: `strength` 0 returns it through the VAE; 1 still encodes it and noises it at the first
 * timestep, as StableDiffusionImg2ImgPipeline does (not pure noise).
 */
export const imageMode: Mode = async (request) => {
  const image = await resizeImageData(request.image!, request.width, request.height);
  return {
    start: async ({ model, scheduler, generator, latentShape, load }) => {
      const timesteps = strengthTimesteps(scheduler, request.steps, request.strength);
      // One posterior draw from the seeded generator, then the noise: diffusers' order.
      const imageLatents = await encodeImage(model, image, generator, load);
      const noise = generator.randn(latentSize(latentShape));
      const latents = timesteps.length ? scheduler.addNoise(imageLatents, noise, timesteps[0]!) : imageLatents;
      return { latents, timesteps };
    },
  };
};
