/**
 * Text-to-image (diffusers' StableDiffusionPipeline): the latents start as seeded noise times the scheduler's
 * initial sigma; nothing else differs from the recipe in generate.ts.
 */
import { latentSize, type Mode } from './mode.ts';

/**
 * Pure noise, torch.randn from the seed as diffusers draws it with a CPU generator; or the request's own latents
 * (from `invert()`), which diffusers' `prepare_latents` scales by the initial sigma too and draws nothing for.
 */
export const textMode: Mode = async (request) => ({
  start: async ({ scheduler, generator, latentShape }) => {
    const latents = request.latents ? Float32Array.from(request.latents) : generator.randn(latentSize(latentShape));
    for (let i = 0; i < latents.length; i += 1) latents[i] *= scheduler.initNoiseSigma;
    return { latents, timesteps: scheduler.timesteps };
  },
});
