// `npm start`: generate the tiny fixture models if needed, build dist/, and serve the repository over HTTP with
// cross-origin isolation (so ORT's WASM can use threads). Prints the demo's localhost URL.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(process.cwd());
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg',
};

function step(label: string, command: string, args: string[]): void {
  console.log(`> ${label}`);
  const status = spawnSync(command, args, { stdio: 'inherit' }).status;
  if (status !== 0) process.exit(status ?? 1);
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
}

const fixturesReady = spawnSync('npx', ['tsx', 'tools/make-fixtures.ts', '--check'], { stdio: 'ignore' }).status === 0;
if (!fixturesReady) step('Generating the tiny test models', 'npx', ['tsx', 'tools/make-fixtures.ts']);
if (!process.argv.includes('--no-build')) step('Building dist/', 'npx', ['rollup', '-c', '--silent']);

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  let path = normalize(join(root, decodeURIComponent(url.pathname)));
  if (!path.startsWith(root)) return send(response, 403, 'Forbidden');
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
  if (!existsSync(path)) return send(response, 404, 'Not found');
  const size = statSync(path).size;
  const headers: Record<string, string | number> = {
    'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-cache',
  };
  const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    response.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1 });
    createReadStream(path, { start, end }).pipe(response);
    return;
  }
  response.writeHead(200, { ...headers, 'Content-Length': size });
  createReadStream(path).pipe(response);
});

const port = Number(process.env.PORT ?? 8080);
server.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') server.listen(0, '127.0.0.1');
  else throw error;
});
server.on('listening', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`\nweb-diffusion demo: http://localhost:${actual}/demo/\n(Ctrl+C to stop)`);
});
server.listen(port, '127.0.0.1');
