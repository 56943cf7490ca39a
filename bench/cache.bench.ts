// The model cache on a 512 MB synthetic ONNX model in headless Chromium: a cold load (download from a localhost
// server into IndexedDB, assembled in memory) and a warm load (from IndexedDB, then up to a created ORT session),
// in MB/s, with the peak resident memory of Chromium's processes. Targets: warm >= cold; peak <= 1.5 x the file.
// Run: `npx tsx bench/cache.bench.ts` (not part of npm test; needs ~4 GB of free memory and disk).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, machineLine } from './browser.ts';

const MB = 2 ** 20;
const { onnx } = createRequire(import.meta.url)('onnx-proto') as typeof import('onnx-proto');

/** A valid ONNX model (y = x + w) whose one initializer makes the file about 512 MB. */
function syntheticModel(): Buffer {
  const n = (512 * MB) / 4 - 64;
  const weights = new Float32Array(n);
  for (let i = 0; i < n; i += 1) weights[i] = (i % 1000) / 1000;
  const tensor = (name: string, dims: number) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: dims }] } } } });
  return Buffer.from(onnx.ModelProto.encode({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'synthetic', node: [{ opType: 'Add', input: ['x', 'w'], output: ['y'] }],
      initializer: [{ name: 'w', dims: [n], dataType: 1, rawData: new Uint8Array(weights.buffer) }],
      input: [tensor('x', 1)], output: [tensor('y', n)],
    },
  }).finish());
}

async function startServer(model: Buffer, bundle: string) {
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/model.onnx') {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      res.writeHead(range ? 206 : 200, { ...headers, 'Content-Length': model.length - start, 'Accept-Ranges': 'bytes', ETag: '"synthetic"',
        ...(range ? { 'Content-Range': `bytes ${start}-${model.length - 1}/${model.length}` } : {}) });
      res.end(model.subarray(start));
    } else if (path === '/cache.js') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(bundle);
    } else if (path === '/bench/cache.html' || path.startsWith('/node_modules/onnxruntime-web/dist/')) {
      const type = path.endsWith('.html') ? 'text/html' : path.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      try { res.writeHead(200, { ...headers, 'Content-Type': type }).end(readFileSync(`.${path}`)); } catch { res.writeHead(404).end(); }
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Resident memory of Chromium's processes (KiB): all of them, and the renderers alone. */
function chromiumRss(rootPid: number): { total: number; renderer: number } {
  let total = 0;
  let renderer = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (Number(pid) !== rootPid && !cmdline.startsWith('/usr/lib/chromium/chromium')) continue;
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      total += rss;
      if (cmdline.includes('--type=renderer')) renderer += rss;
    } catch { /* the process ended */ }
  }
  return { total, renderer };
}

/** Runs `task` while sampling memory every 20 ms; returns its result and the peak above the starting level. */
async function withPeak<T>(pid: number, task: () => Promise<T>): Promise<{ result: T; total: number; renderer: number }> {
  const base = chromiumRss(pid);
  let peak = base;
  const timer = setInterval(() => {
    const now = chromiumRss(pid);
    peak = { total: Math.max(peak.total, now.total), renderer: Math.max(peak.renderer, now.renderer) };
  }, 20);
  try {
    const result = await task();
    return { result, total: (peak.total - base.total) / 1024, renderer: (peak.renderer - base.renderer) / 1024 };
  } finally {
    clearInterval(timer);
  }
}

const model = syntheticModel();
const sha256 = createHash('sha256').update(model).digest('hex');
const bundle = (await build({ entryPoints: ['src/worker/cache/model-cache.ts'], bundle: true, format: 'esm', write: false, target: 'es2022' })).outputFiles[0].text;
const { server, url } = await startServer(model, bundle);
const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'] });
try {
  const page = await browser.newPage();
  await page.goto(`${url}/bench/cache.html`);
  await page.waitForFunction('window.benchReady === true');
  const pid = browser.process()!.pid!;
  const sizeMb = model.length / MB;
  console.log(`machine: ${machineLine()}`);
  console.log(`browser: ${await browser.version()}`);
  console.log(`file: ${sizeMb.toFixed(1)} MB synthetic ONNX model (y = x + w)\n`);
  console.log('phase | chunk MB | load ms | MB/s | to session ms | session MB/s | peak RSS delta MB (renderer / all Chromium) | x file');
  const cases = [
    { phase: 'cold', chunkSize: 32 * MB, verifyChunks: true },
    { phase: 'warm', chunkSize: 32 * MB, verifyChunks: true },
    { phase: 'warm', chunkSize: 32 * MB, verifyChunks: false },
    { phase: 'cold', chunkSize: 32 * MB, verifyChunks: true, sha256 },
    { phase: 'cold', chunkSize: 16 * MB, verifyChunks: true },
    { phase: 'warm', chunkSize: 16 * MB, verifyChunks: true },
    { phase: 'cold', chunkSize: 64 * MB, verifyChunks: true },
    { phase: 'warm', chunkSize: 64 * MB, verifyChunks: true },
  ];
  for (const options of cases) {
    await page.evaluate('gc()');
    const { result: r, total, renderer } = await withPeak(pid, () => page.evaluate((o) => (window as unknown as { runPhase: (o: unknown) => Promise<{ loadMs: number; sessionMs?: number }> }).runPhase(o), { ...options, size: model.length }));
    const label = `${options.phase}${options.sha256 ? ' +sha256' : ''}${options.verifyChunks ? '' : ' (no chunk digests)'}`;
    const rate = (ms: number | undefined) => (ms === undefined ? '-' : (sizeMb / (ms / 1000)).toFixed(0));
    console.log(`${label} | ${options.chunkSize / MB} | ${r.loadMs.toFixed(0)} | ${rate(r.loadMs)} | ${r.sessionMs?.toFixed(0) ?? '-'} | ${rate(r.sessionMs)} | ${renderer.toFixed(0)} / ${total.toFixed(0)} | ${(renderer / sizeMb).toFixed(2)}`);
  }
} finally {
  await browser.close();
  server.close();
}
