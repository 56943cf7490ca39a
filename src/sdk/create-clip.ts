/**
 * `createClip()`, the SDK's way in to CLIP. The CLIP half of the SDK (the Clip class, its checks and its maths) is
 * a module of its own that loads on the first call, so a page that only generates images never downloads it
 * (decision 0013).
 */
import { lazyModule } from './lazy-module.ts';
import type { Clip, ClipOptions } from './clip.ts';

/** Loads a CLIP model in its own worker (or in `options.share`'s); resolves once its sessions exist. */
export async function createClip(options: ClipOptions): Promise<Clip> {
  const clip = await lazyModule('createClip()', () => import('./clip.ts'));
  return clip.openClip(options);
}
