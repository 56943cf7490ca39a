// Counts the requests the dev server answers, so tests can prove that a second load downloads nothing.
// GET /__requests?prefix=/test/fixtures/ -> { count, paths }; DELETE /__requests resets.
const seen = [];

/** Koa middleware: records every request path and serves the log at /__requests. */
export async function requestLog(context, next) {
  if (context.path === '/__requests') {
    if (context.method === 'DELETE') seen.length = 0;
    const prefix = context.query.prefix ?? '';
    const paths = seen.filter((path) => path.startsWith(prefix));
    context.body = { count: paths.length, paths };
    return;
  }
  seen.push(context.path);
  return next();
}
