/**
 * Asks the server whether a stored file is still current, with the validators it sent when the file was stored
 * (ETag, else Last-Modified): 304 keeps the copy. Folder models have no revision to key the cache on, so without
 * this a file fixed on the server would never reach a browser that cached the old one. Any doubt keeps the copy:
 * offline (the request fails), a server that says nothing useful, or one that answers with its HTML page.
 */
import { abortError } from '../protocol/errors.ts';
import type { FileRecord } from './store.ts';

const isHtml = (response: Response) => /^\s*text\/html/i.test(response.headers.get('Content-Type') ?? '');

/** The validators' request headers; undefined when the stored file has none (it cannot be revalidated). */
function conditionalHeaders(record: FileRecord): Record<string, string> | undefined {
  // With `cache: 'no-store'` the browser adds `Cache-Control: no-cache`, and servers that follow RFC 9111 then
  // ignore the validators and send the whole file (the test runner's does). `max-age=0` asks for the same
  // end-to-end check without that. Cross-origin, the validators already need a CORS preflight; this adds none.
  const cacheControl = { 'Cache-Control': 'max-age=0' };
  if (record.etag) return { ...cacheControl, 'If-None-Match': record.etag };
  if (record.lastModified) return { ...cacheControl, 'If-Modified-Since': record.lastModified };
  return undefined;
}

/** True when the server says that `record`'s file changed (a 200 with other validators than those stored). */
function saysChanged(response: Response, record: FileRecord): boolean {
  if (response.status !== 200 || isHtml(response)) return false;
  const etag = response.headers.get('ETag');
  // A server that ignores conditional requests answers 200: the same validators still mean the same file.
  if (record.etag && etag) return etag !== record.etag;
  const modified = response.headers.get('Last-Modified');
  if (record.lastModified && modified) return modified !== record.lastModified;
  return false;
}

/**
 * True when the file behind `record` changed on the server. Settles within `timeoutMs` (no answer: unchanged, as
 * offline), and rejects only when `signal` aborts.
 */
export async function changedOnServer(record: FileRecord, signal: AbortSignal | undefined, timeoutMs: number): Promise<boolean> {
  const headers = conditionalHeaders(record);
  if (!headers) return false;
  const timeout = AbortSignal.timeout(timeoutMs);
  const either = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    // no-store: the browser's HTTP cache must neither answer for the server nor keep the body.
    const response = await fetch(record.url, { headers, signal: either, cache: 'no-store' });
    const changed = saysChanged(response, record);
    await response.body?.cancel().catch(() => undefined);
    return changed;
  } catch (error) {
    if (signal?.aborted) throw abortError(signal.reason);
    return false;
  }
}
