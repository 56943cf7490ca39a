// Counts the requests the dev server answers, so tests can prove that a second load downloads nothing.
// GET /__requests?prefix=/test/fixtures/ -> { count, paths, entries: [{ path, status, conditional }] };
// DELETE /__requests resets.
const seen = [];

/** Koa middleware: records every request path (and, once answered, its status) and serves the log at /__requests. */
export async function requestLog(context, next) {
  if (context.path === '/__requests') {
    if (context.method === 'DELETE') seen.length = 0;
    const prefix = context.query.prefix ?? '';
    const entries = seen.filter((entry) => entry.path.startsWith(prefix));
    context.body = { count: entries.length, paths: entries.map((entry) => entry.path), entries };
    return;
  }
  const entry = { path: context.path, status: 0, conditional: !!(context.get('If-None-Match') || context.get('If-Modified-Since')) };
  seen.push(entry);
  // The dev server's own middleware (outside this one) may still turn a 200 into a 304: read the status as sent.
  context.res.once('finish', () => { entry.status = context.res.statusCode; });
  return next();
}
