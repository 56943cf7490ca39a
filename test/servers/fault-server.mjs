// Serves files with injected network faults: /__faults/<spec>/<path under the project root>.
//
// <spec> is a comma-separated list (state such as "once" is kept per spec + path, so add `id-<anything>` to give
// a test its own fresh state):
//   404             answer 404
//   500 | 500-once | 500-xN   answer 500 always | the first time | the first N times
//   drop-N          the first response that reaches file byte N is cut there (connection closed early)
//   dropevery-N     every response is cut after N bytes of its body
//   slow-MS         send 64 KiB pieces MS milliseconds apart
//   norange         ignore Range (always 200 with the whole file)
//   badlength-D     claim a Content-Length D bytes off the real one (D may be negative)
//   corrupt-N       flip byte N of the file
//   truncate-N      serve only the first N bytes, as if that were the whole file
//   etag-X          send ETag "X" (default: derived from the content's identity)
//   hang            never answer (the connection stays open until the client gives up)
//   stall-N         send the headers and the first N bytes, then nothing more, without closing
//   id-X            no effect except separating state
// The path `__bytes/<n>` or `__bytes/<n>-<seed>` is n deterministic pseudo-random bytes (see test/worker/cache/bytes.ts),
// so tests need no large committed files. Range and If-Range are honoured unless `norange`.
// GET /__faults-log?prefix=... -> { requests: [{ path, range, ifRange, status }] }; DELETE /__faults-log resets.
import { readFile, stat } from 'node:fs/promises';
import { resolve, normalize } from 'node:path';

const root = resolve(process.cwd());
const hits = new Map();
const log = [];
const generated = new Map();

/** n bytes from a xorshift32 stream seeded by `seed`: the same generator as test/worker/cache/bytes.ts. */
export function deterministicBytes(n, seed = 1) {
  const words = new Uint32Array(Math.ceil(n / 4));
  let x = (Math.imul(seed, 0x9e3779b1) ^ 0x2545f491) >>> 0 || 1;
  for (let i = 0; i < words.length; i += 1) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, n);
}

function parseSpec(spec) {
  const faults = {};
  for (const part of spec.split(',')) {
    const match = /^([a-z0-9]+)(?:-(.*))?$/.exec(part);
    if (match) faults[match[1]] = match[2] ?? true;
  }
  return faults;
}

async function loadBody(rest) {
  const bytes = /^__bytes\/(\d+)(?:-(\d+))?$/.exec(rest);
  if (bytes) {
    const key = `${bytes[1]}-${bytes[2] ?? 1}`;
    if (!generated.has(key)) generated.set(key, deterministicBytes(Number(bytes[1]), Number(bytes[2] ?? 1)));
    return { body: generated.get(key), etag: `"bytes-${key}"` };
  }
  const file = normalize(resolve(root, rest));
  if (!file.startsWith(root)) return undefined;
  try {
    const info = await stat(file);
    return { body: await readFile(file), etag: `"${info.size}-${Math.round(info.mtimeMs)}"` };
  } catch {
    return undefined;
  }
}

/** Applies the faults that change the file itself (truncation, a flipped byte). */
function transformBody(body, faults) {
  if (faults.truncate !== undefined) body = body.subarray(0, Number(faults.truncate));
  if (faults.corrupt !== undefined && body.length) {
    body = Buffer.from(body);
    body[Number(faults.corrupt) % body.length] ^= 0xff;
  }
  return body;
}

/** How many times this spec + path has been requested, counting this request. */
function countHit(key) {
  const count = (hits.get(key) ?? 0) + 1;
  hits.set(key, count);
  return count;
}

function failsWith500(faults, count) {
  if (faults['500'] === undefined) return false;
  if (faults['500'] === true) return true;
  if (faults['500'] === 'once') return count === 1;
  const times = /^x(\d+)$/.exec(faults['500']);
  return times ? count <= Number(times[1]) : false;
}

/** The byte range to send: [start, end] inclusive, and whether it is a 206. */
function pickRange(request, faults, size, etag) {
  const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
  const ifRange = request.headers['if-range'];
  if (!range || faults.norange || (ifRange && ifRange !== etag)) return { start: 0, end: size - 1, partial: false };
  const start = Number(range[1]);
  const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
  return { start, end, partial: true };
}

/** Waits until the socket takes more data or closes, without leaving listeners behind. */
function drained(res) {
  return new Promise((done) => {
    const finish = () => { res.off('drain', finish); res.off('close', finish); done(); };
    res.on('drain', finish);
    res.on('close', finish);
  });
}

/** Resolves when the client closes the connection. */
const closedBy = (res) => new Promise((done) => res.once('close', done));

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Writes body[start..end] with the streaming faults (cuts, slowness); resolves when done or cut. */
async function sendBody(res, body, start, end, faults, state) {
  const piece = 64 * 1024;
  let cutAt = end + 1;
  if (faults.dropevery !== undefined) cutAt = Math.min(cutAt, start + Number(faults.dropevery));
  if (faults.drop !== undefined && !state.dropped && Number(faults.drop) >= start && Number(faults.drop) <= end) {
    cutAt = Math.min(cutAt, Number(faults.drop));
    state.dropped = true;
  }
  if (faults.stall !== undefined) cutAt = Math.min(cutAt, start + Number(faults.stall));
  let closed = false;
  res.on('close', () => { closed = true; });
  for (let at = start; at < cutAt && !closed; at += piece) {
    const slice = body.subarray(at, Math.min(at + piece, cutAt));
    if (!res.write(slice)) await drained(res);
    if (faults.slow !== undefined) await sleep(Number(faults.slow));
  }
  if (faults.stall !== undefined) { if (!closed) await closedBy(res); return; }
  // Ending early (a FIN after exactly the bytes sent) rather than destroying the socket: a reset may make the
  // client discard bytes it already received, and the cut would no longer be at byte N.
  res.end();
}

const dropState = new Map();

function serveLog(context) {
  if (context.method === 'DELETE') { log.length = 0; hits.clear(); dropState.clear(); }
  const prefix = context.query.prefix ?? '';
  context.body = { requests: log.filter((entry) => entry.path.startsWith(prefix)) };
}

/** Koa middleware: the fault routes above and their request log. */
export async function faultServer(context, next) {
  if (context.path === '/__faults-log') return serveLog(context);
  const match = /^\/__faults\/([^/]+)\/(.*)$/.exec(context.path);
  if (!match) return next();
  const [, spec, rest] = match;
  const faults = parseSpec(spec);
  const key = `${spec}/${rest}`;
  const count = countHit(key);
  const entry = { path: context.path, range: context.get('Range') || undefined, ifRange: context.get('If-Range') || undefined, status: 0 };
  log.push(entry);
  if (faults.hang) { entry.status = 'hang'; context.respond = false; await closedBy(context.res); return; }
  const loaded = faults['404'] ? undefined : await loadBody(rest);
  if (!loaded) { entry.status = context.status = 404; return; }
  if (failsWith500(faults, count)) { entry.status = context.status = 500; context.body = 'injected 500'; return; }
  const body = transformBody(loaded.body, faults);
  const etag = faults.etag !== undefined ? `"${faults.etag}"` : loaded.etag;
  const { start, end, partial } = pickRange(context.req, faults, body.length, etag);
  if (start > end && body.length > 0) { entry.status = context.status = 416; return; }
  const length = end - start + 1 + (faults.badlength !== undefined ? Number(faults.badlength) : 0);
  entry.status = partial ? 206 : 200;
  context.respond = false;
  const res = context.res;
  res.statusCode = entry.status;
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Length', Math.max(0, length));
  res.setHeader('Accept-Ranges', faults.norange ? 'none' : 'bytes');
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'no-store');
  // A cut or mis-sized body poisons a kept-alive connection; close it after every fault response.
  res.setHeader('Connection', 'close');
  if (partial) res.setHeader('Content-Range', `bytes ${start}-${end}/${body.length}`);
  if (!dropState.has(key)) dropState.set(key, {});
  await sendBody(res, body, start, end, faults, dropState.get(key));
}
