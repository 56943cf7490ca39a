/**
 * `createClip()`, the SDK's way in to CLIP. The CLIP half of the SDK (the Clip class, its checks and its maths) is
 * a module of its own that loads on the first call, so a page that only generates images never downloads it
 * (decision 0013).
 */
import { DiffusionError } from '../worker/protocol/errors.ts';
import type { Clip, ClipOptions } from './clip.ts';

/** Loads a CLIP model in its own worker (or in `options.share`'s); resolves once its sessions exist. */
export async function createClip(options: ClipOptions): Promise<Clip> {
  const clip = await import('./clip.ts').catch((cause: unknown) => {
    throw new DiffusionError('download-failed', `createClip(): the SDK's CLIP module did not load: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  });
  return clip.openClip(options);
}
