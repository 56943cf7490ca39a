/**
 * `Diffusion.invert()`'s main-thread half, loaded on its first call (decision 0013): the request's image from any
 * {@link ImageSource}, checked where it enters with the worker's own rules (protocol/validate-invert.ts), then
 * queued like a generate. The inversion itself runs in the worker.
 */
import { transfer } from 'comlink';
import { checkInvertRequestShape, validateInvertRequest } from '../worker/protocol/validate-invert.ts';
import type { InvertRequest, InvertResult } from '../worker/protocol/invert-types.ts';
import type { LoadedModelInfo, Progress } from '../worker/protocol/types.ts';
import { toImageData, type ImageSource } from './image-input.ts';
import { cancellable, untilAborted, type CallOptions, type WorkerSession } from './worker-session.ts';

/** An invert request whose `image` may be any {@link ImageSource}. */
export type InvertInput = Omit<InvertRequest, 'image'> & { readonly image: ImageSource };

/** Converts the image to ImageData (a copy, so the caller's buffer is never transferred away). */
async function prepareInvertRequest(request: InvertInput): Promise<InvertRequest> {
  checkInvertRequestShape(request);
  return { ...request, image: await toImageData(request.image, 'image') };
}

/** Checks `request` at once, then inverts it in `session`'s queue. */
export async function invertIn(session: WorkerSession<LoadedModelInfo, Progress>, request: InvertInput, options: CallOptions<Progress>): Promise<InvertResult> {
  const prepared = await prepareInvertRequest(request);
  const { seed } = validateInvertRequest(prepared, session.info.defaults);
  const run = session.enqueue(() => session.run(options, (client) => cancellable((id) => client.api.cancel(id), options,
    (id, onProgress) => client.call((api) => api.invert(id, transfer({ ...prepared, seed }, [prepared.image.data.buffer]), onProgress)))));
  return untilAborted(run, options.signal);
}
