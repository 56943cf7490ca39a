/**
 * One writer per cached file across tabs and workers: the Web Locks API, keyed by URL. Two tabs loading the same
 * model take turns; the second finds the file complete (or resumes the first one's partial download if it closed).
 */

const local = new Map<string, Promise<unknown>>();

/** Runs `task` holding the exclusive lock of `url`; waiting for the lock honours `signal`. */
export function withFileLock<T>(url: string, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
  const name = `web-diffusion-cache:${url}`;
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks) return locks.request(name, signal ? { signal } : {}, task) as Promise<T>;
  // Without Web Locks (insecure contexts) at least the callers in this realm take turns.
  const previous = local.get(name) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => { signal?.throwIfAborted(); return task(); });
  local.set(name, next);
  return next;
}
