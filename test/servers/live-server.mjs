// A host whose files tests can change, take offline or make behave like a single-page app:
//   GET  /__live/<id>/<path under the project root>   the file (or its override), with a content ETag and
//        Last-Modified, answering If-None-Match / If-Modified-Since with 304, like a static host.
//   PUT  /__live/<id>/<path>                          replaces that file for this id (body: the new bytes)
//   POST /__live-control?id=X&offline=1&spa=1&hide=a,b   per-id modes: `offline` destroys every connection (as a
//        stopped server does), `spa` answers unknown paths with 200 and an HTML page (as Vite and many static
//        hosts do), `hide` lists paths (relative to the id) that are missing. DELETE /__live-control resets all.
//   GET  /__live-log?id=X -> { requests: [{ path, status, conditional }] }
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, normalize, resolve } from 'node:path';

const root = resolve(process.cwd());
const overrides = new Map();
const modes = new Map();
const log = [];
const SPA_PAGE = Buffer.from('<!doctype html>\n<html><head><title>App</title></head><body><div id="app"></div></body></html>\n');
const TYPES = { '.json': 'application/json', '.txt': 'text/plain; charset=utf-8', '.html': 'text/html', '.onnx': 'application/octet-stream' };

async function fileBody(id, rest) {
  const override = overrides.get(`${id}/${rest}`);
  if (override) return override;
  if ((modes.get(id)?.hide ?? []).includes(rest)) return undefined;
  const file = normalize(resolve(root, rest));
  if (!file.startsWith(root)) return undefined;
  try {
    return { body: await readFile(file), modified: new Date('2026-01-01T00:00:00Z') };
  } catch {
    return undefined;
  }
}

async function readRequestBody(req) {
  const parts = [];
  for await (const part of req) parts.push(part);
  return Buffer.concat(parts);
}

function control(context) {
  if (context.method === 'DELETE') { overrides.clear(); modes.clear(); log.length = 0; context.body = {}; return; }
  const { id, offline, spa, hide } = context.query;
  modes.set(id, { offline: offline === '1', spa: spa === '1', hide: hide ? String(hide).split(',') : [] });
  context.body = modes.get(id);
}

function isFresh(context, etag, modified) {
  const match = context.get('If-None-Match');
  if (match) return match.split(/\s*,\s*/).includes(etag);
  const since = Date.parse(context.get('If-Modified-Since'));
  return Number.isFinite(since) && Math.floor(modified.getTime() / 1000) <= Math.floor(since / 1000);
}

/** Koa middleware: the live routes above. */
export async function liveServer(context, next) {
  if (context.path === '/__live-control') return control(context);
  if (context.path === '/__live-log') { context.body = { requests: log.filter((e) => e.id === context.query.id) }; return; }
  const match = /^\/__live\/([^/]+)\/(.*)$/.exec(context.path);
  if (!match) return next();
  const [, id, rest] = match;
  if (context.method === 'PUT') {
    overrides.set(`${id}/${rest}`, { body: await readRequestBody(context.req), modified: new Date() });
    context.body = { stored: rest };
    return;
  }
  const entry = { id, path: rest, status: 0, conditional: !!(context.get('If-None-Match') || context.get('If-Modified-Since')) };
  log.push(entry);
  const mode = modes.get(id) ?? {};
  if (mode.offline) { entry.status = 'offline'; context.req.socket.destroy(); context.respond = false; return; }
  const found = await fileBody(id, rest);
  if (!found) {
    if (mode.spa) { entry.status = context.status = 200; context.type = 'text/html'; context.body = SPA_PAGE; return; }
    entry.status = context.status = 404;
    return;
  }
  const etag = `"${createHash('sha1').update(found.body).digest('hex').slice(0, 16)}"`;
  context.set('ETag', etag);
  context.set('Last-Modified', found.modified.toUTCString());
  context.set('Cache-Control', 'no-cache');
  if (isFresh(context, etag, found.modified)) { entry.status = context.status = 304; return; }
  entry.status = context.status = 200;
  context.type = TYPES[extname(rest)] ?? 'application/octet-stream';
  context.body = found.body;
}
