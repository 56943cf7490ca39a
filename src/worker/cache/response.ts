/**
 * Opens the HTTP response a download continues from: a `Range` request from the first byte not stored yet (with
 * `If-Range` so a changed file is sent whole instead of spliced), falling back to the whole file when the server
 * ignores or refuses the range. Status codes become final errors (404, other 4xx) or retryable ones (5xx, 408, 429).
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { FileRecord } from './store.ts';
import type { ModelFileRequest } from './types.ts';

/** A response to read the file from, and what it says about the file. */
export interface OpenedResponse {
  readonly response: Response;
  /** The whole file's size, when the server said it. */
  readonly total: number | undefined;
  readonly etag: string | undefined;
  readonly lastModified: string | undefined;
  /** The response starts at byte 0 although bytes were stored: the stored part must be dropped. */
  readonly restart: boolean;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

function request(url: string, offset: number, etag: string | undefined, signal: AbortSignal | undefined): Promise<Response> {
  const headers: Record<string, string> = {};
  if (offset > 0) {
    headers.Range = `bytes=${offset}-`;
    // If-Range takes only strong validators; with a weak one the response's ETag is compared instead.
    if (etag && !etag.startsWith('W/')) headers['If-Range'] = etag;
  }
  // no-store: the HTTP cache would keep a second copy of gigabytes the model cache already holds.
  return fetch(url, { signal, headers, cache: 'no-store' });
}

async function checkStatus(response: Response, url: string): Promise<void> {
  const { status } = response;
  if (response.ok) return;
  await response.body?.cancel().catch(() => undefined);
  if (status === 404 || status === 410) {
    throw new DiffusionError('model-not-found', `${url} answered ${status}.`, { details: { url, status } });
  }
  if (RETRYABLE.has(status)) throw new Error(`${url} answered ${status}.`);
  throw new DiffusionError('download-failed', `${url} answered ${status}.`, { details: { url, status } });
}

/**
 * No model file is a web page: single-page-app hosts (Vite, many static hosts) answer a missing path with 200 and
 * their index.html, which is a missing file, not a download to keep.
 */
async function checkNotHtml(response: Response, url: string): Promise<void> {
  const type = response.headers.get('Content-Type') ?? '';
  if (!/^\s*(text\/html|application\/xhtml\+xml)/i.test(type)) return;
  await response.body?.cancel().catch(() => undefined);
  throw new DiffusionError('model-not-found', `${url} answered with an HTML page, not the file: the host serves its page for missing paths (a single-page-app fallback), so the file is not there.`,
    { details: { url, status: response.status, contentType: type } });
}

const modifiedOf = (response: Response) => response.headers.get('Last-Modified') ?? undefined;

function wholeLength(response: Response): number | undefined {
  const encoding = response.headers.get('Content-Encoding');
  const length = response.headers.get('Content-Length');
  // A compressed body's Content-Length counts compressed bytes, not the file's.
  if (length === null || (encoding && encoding !== 'identity')) return undefined;
  return Number(length);
}

/** Opens the response that continues `record` (from byte 0 when nothing is stored). */
export async function openResponse(file: ModelFileRequest, record: FileRecord, signal: AbortSignal | undefined): Promise<OpenedResponse> {
  const offset = record.chunkCount * record.chunkSize;
  let response = await request(file.url, offset, record.etag, signal);
  if (offset > 0 && response.status === 416) {
    await response.body?.cancel().catch(() => undefined);
    response = await request(file.url, 0, undefined, signal);
  }
  await checkStatus(response, file.url);
  await checkNotHtml(response, file.url);
  const etag = response.headers.get('ETag') ?? undefined;
  if (response.status === 206) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('Content-Range') ?? '');
    const sameFile = !record.etag || !etag || etag === record.etag;
    if (range && Number(range[1]) === offset && sameFile) {
      return { response, total: range[2] === '*' ? undefined : Number(range[2]), etag, lastModified: modifiedOf(response), restart: false };
    }
    await response.body?.cancel().catch(() => undefined);
    response = await request(file.url, 0, undefined, signal);
    await checkStatus(response, file.url);
    return { response, total: wholeLength(response), etag: response.headers.get('ETag') ?? undefined, lastModified: modifiedOf(response), restart: true };
  }
  return { response, total: wholeLength(response), etag, lastModified: modifiedOf(response), restart: offset > 0 };
}
