// Serves fixture files with injected network faults under /__faults/<fault>/<path under the project root>.
// Extended by the cache tests; the basic faults used by the pipeline tests live here.
import { readFile } from 'node:fs/promises';
import { resolve, normalize } from 'node:path';

const root = resolve(process.cwd());

/** Koa middleware: `/__faults/404/...` answers 404, `/__faults/truncate-N/...` sends only the first N bytes. */
export async function faultServer(context, next) {
  const match = /^\/__faults\/([^/]+)\/(.*)$/.exec(context.path);
  if (!match) return next();
  const [, fault, rest] = match;
  const file = normalize(resolve(root, rest));
  if (!file.startsWith(root)) { context.status = 403; return; }
  if (fault === '404') { context.status = 404; return; }
  let bytes;
  try { bytes = await readFile(file); } catch { context.status = 404; return; }
  const truncate = /^truncate-(\d+)$/.exec(fault);
  if (truncate) bytes = bytes.subarray(0, Number(truncate[1]));
  const corrupt = /^corrupt-(\d+)$/.exec(fault);
  if (corrupt) { bytes = Buffer.from(bytes); bytes[Number(corrupt[1]) % bytes.length] ^= 0xff; }
  context.set('Content-Type', 'application/octet-stream');
  context.body = bytes;
}
