// Deliberate mistakes: tsc must report an error on each line after a `// wrong:` comment, and on no other
// (if the types were `any`, it would report none).
import { createDiffusion } from 'web-diffusion';
import { TorchGenerator } from 'web-diffusion/random';
import { createScheduler } from 'web-diffusion/schedulers';

export async function mistakes(): Promise<void> {
  // wrong: device is 'webgpu' | 'wasm' | 'auto'
  const diffusion = await createDiffusion({ model: 'sd-turbo', device: 'cuda' });
  // wrong: prompt is a string
  await diffusion.generate({ prompt: 42 });
  // wrong: the result has no `pixels`
  console.log((await diffusion.generate({ prompt: 'a fox' })).pixels);
  // wrong: randn gives a Float32Array
  const noise: string = new TorchGenerator(1).randn(4);
  // wrong: setTimesteps takes a number
  createScheduler({ _class_name: 'DDIMScheduler' }).setTimesteps('4');
  console.log(noise);
}
