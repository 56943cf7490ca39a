// A consumer's file, as the README documents the API: it must compile against the packed tarball's types.
import { createDiffusion, DiffusionError, ErrorCodes, isDiffusionError, outpaint, type GenerateResult } from 'web-diffusion';
import { createScheduler, samplerNames } from 'web-diffusion/schedulers';
import { TorchGenerator } from 'web-diffusion/random';
import { ClipTokenizer } from 'web-diffusion/tokenizer';
import { DiffusionCanvasElement, PromptBoxElement } from 'web-diffusion/elements';

export async function run(signal: AbortSignal): Promise<Blob> {
  const diffusion = await createDiffusion({ model: 'sd-turbo', device: 'auto', onProgress: (p) => console.log(p.phase) });
  try {
    const result: GenerateResult = await diffusion.generate(
      { prompt: 'a red fox in the snow', width: 512, height: 512, steps: 20, guidanceScale: 7.5, seed: 42 },
      { signal, onProgress: (p) => p.phase === 'denoise' && console.log(p.step, p.totalSteps) },
    );
    const pixels: ImageData = result.image;
    console.log(pixels.width, result.seed, result.timings.total);
    return await result.toBlob();
  } catch (error) {
    if (isDiffusionError(error)) console.log(ErrorCodes.includes(error.code), error.code === 'invalid-size', error instanceof DiffusionError);
    throw error;
  } finally {
    await diffusion.dispose();
  }
}

export function pure(): number {
  const noise: Float32Array = new TorchGenerator(42).randn(16);
  const scheduler = createScheduler({ _class_name: 'EulerDiscreteScheduler', num_train_timesteps: 1000 });
  scheduler.setTimesteps(4);
  const ids: number[] = ClipTokenizer.fromFiles('{}', '#version: 0.2\n').encode('a fox');
  return noise.length + scheduler.timesteps.length + ids.length + samplerNames().length;
}

export function elements(canvas: DiffusionCanvasElement, box: PromptBoxElement, picture: ImageData): void {
  const { image, mask } = outpaint(picture, { right: 128 });
  console.log(canvas.tagName, box.tagName, image, mask);
}
