// The model cache on a 512 MB synthetic ONNX model (128 tensors of 4 MB) in headless Chromium: a cold load
// (download from a localhost server into IndexedDB, assembled in memory) and a warm load (from IndexedDB, then up
// to a created ORT session), in MB/s, with the peak resident memory of Chromium's processes. Targets: warm >= cold; peak <= 1.5 x the file.
// Run: `npx tsx bench/cache.bench.ts` (not part of npm test; needs ~4 GB of free memory and disk);
// `WD_BENCH_MB=128 npx tsx bench/cache.bench.ts` for a smaller file on a small machine.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, machineLine } from './browser.ts';

const MB = 2 ** 20;
const { onnx } = createRequire(import.meta.url)('onnx-proto') as typeof import('onnx-proto');

const FILE_MB = Number(process.env.WD_BENCH_MB ?? 512);

/** Weights per tensor: SD's U-Net has ~700 tensors, the largest ~13 MB in fp16; ORT streams a Blob tensor by tensor. */
const TENSOR_MB = 4;

/** A valid ONNX model (y = x + w0 + w1 + ...) whose TENSOR_MB initializers make the file about FILE_MB (512) MB. */
function syntheticModel(): Buffer {
  const n = (TENSOR_MB * MB) / 4;
  const count = FILE_MB / TENSOR_MB;
  const weights = new Float32Array(n);
  for (let i = 0; i < n; i += 1) weights[i] = (i % 1000) / 1000;
  const raw = new Uint8Array(weights.buffer);
  const tensor = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: n }] } } } });
  const names = Array.from({ length: count }, (_, i) => `w${i}`);
  return Buffer.from(onnx.ModelProto.encode({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'synthetic',
      node: names.map((w, i) => ({ opType: 'Add', input: [i === 0 ? 'x' : `t${i - 1}`, w], output: [i === count - 1 ? 'y' : `t${i}`] })),
      initializer: names.map((name) => ({ name, dims: [n], dataType: 1, rawData: raw })),
      input: [tensor('x')], output: [tensor('y')],
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

/** Parent of each live process (other sessions' browsers run on the same machine and must not be counted). */
function parents(): Map<number, number> {
  const parent = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* the process ended */ }
  }
  return parent;
}

/** Resident memory (KiB) of our browser's process tree: all of it, and its renderers alone. */
function chromiumRss(rootPid: number): { total: number; renderer: number } {
  const parent = parents();
  const ours = (pid: number) => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) if (p === rootPid) return true;
    return false;
  };
  let total = 0;
  let renderer = 0;
  for (const pid of parent.keys()) {
    if (!ours(pid)) continue;
    try {
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      total += rss;
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) renderer += rss;
    } catch { /* the process ended */ }
  }
  return { total, renderer };
}

/** Runs `task` while sampling memory every 20 ms; returns its result and the peak above `base` (MB). */
async function withPeak<T>(pid: number, base: { total: number; renderer: number }, task: () => Promise<T>): Promise<{ result: T; total: number; renderer: number }> {
  let peak = chromiumRss(pid);
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
const entry = `export * from './src/worker/cache/model-cache.ts';
export { externalizeWeights, externalizeWeightsFromBlob, INLINE_WEIGHTS_PATH } from './src/worker/models/onnx-inline-weights.ts';`;
const bundle = (await build({ stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, format: 'esm', write: false, target: 'es2022' })).outputFiles[0].text;
const { server, url } = await startServer(model, bundle);
// One browser per case, on one profile (the warm cases read what the cold ones stored): a page in a browser that
// ran an earlier case would share its renderer, WASM heap and not-yet-freed memory, and blur the peaks.
const profile = mkdtempSync(join(tmpdir(), 'wd-cache-bench-'));

/** A fresh browser with one page ready to run a case, and its root process id. */
async function freshBrowser() {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, userDataDir: profile,
    args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'],
  });
  const [page] = await browser.pages();
  await page.goto(`${url}/bench/cache.html`);
  await page.waitForFunction('window.benchReady === true');
  await page.evaluate('gc()');
  return { browser, page, pid: browser.process()!.pid! };
}

type BenchWindow = { runLoad: (o: unknown) => Promise<{ loadMs: number }>; runSession: (o: { externalize: boolean }) => Promise<{ sessionMs: number }> };

try {
  const sizeMb = model.length / MB;
  console.log(`machine: ${machineLine()}`);
  const { browser: probe } = await freshBrowser();
  console.log(`browser: ${await probe.version()}`);
  await probe.close();
  console.log(`file: ${sizeMb.toFixed(1)} MB synthetic ONNX model (y = x + w0 + ... + w${FILE_MB / TENSOR_MB - 1}, ${TENSOR_MB} MB each)\n`);
  console.log('Peaks are the renderer\'s resident memory above a fresh page\'s, as a multiple of the file: while loading the');
  console.log('bytes, and until the ORT WASM session exists (weights handed over as external data, as the loader does;');
  console.log('"Blob streamed" hands ORT a Blob over the stored chunks, as the loader does where ORT runs its JSPI build;');
  console.log('"as is" hands ORT the model buffer, which it copies into its WASM heap and parses there).\n');
  console.log('phase | chunk MB | load ms | MB/s | to session ms | session MB/s | peak load x file | peak to session x file | all Chromium MB');
  const only = process.env.WD_BENCH_CASES?.split(',').map(Number);
  const cases = [
    { phase: 'cold', chunkSize: 32 * MB, verifyChunks: true },
    { phase: 'warm', chunkSize: 32 * MB, verifyChunks: true, blob: true },
    { phase: 'warm', chunkSize: 32 * MB, verifyChunks: true },
    { phase: 'warm', chunkSize: 32 * MB, verifyChunks: true, inlineWeights: true },
    { phase: 'warm', chunkSize: 32 * MB, verifyChunks: false },
    { phase: 'cold', chunkSize: 32 * MB, verifyChunks: true, sha256 },
    { phase: 'cold', chunkSize: 16 * MB, verifyChunks: true },
    { phase: 'warm', chunkSize: 16 * MB, verifyChunks: true },
    { phase: 'cold', chunkSize: 64 * MB, verifyChunks: true },
    { phase: 'warm', chunkSize: 64 * MB, verifyChunks: true },
  ].filter((_, i) => !only || only.includes(i));
  for (const options of cases) {
    const { browser, page, pid } = await freshBrowser();
    const base = chromiumRss(pid);
    const load = await withPeak(pid, base, () => page.evaluate((o) => (window as unknown as BenchWindow).runLoad(o), { ...options, size: model.length }));
    const externalize = !options.inlineWeights;
    const session = options.phase === 'warm' ? await withPeak(pid, base, () => page.evaluate((o) => (window as unknown as BenchWindow).runSession(o), { externalize })) : undefined;
    await browser.close();
    const label = `${options.phase}${options.blob ? ' (Blob streamed to ORT)' : ''}${options.sha256 ? ' +sha256' : ''}${options.verifyChunks ? '' : ' (no chunk digests)'}${options.inlineWeights ? ' (model buffer to ORT as is)' : ''}`;
    const rate = (ms: number | undefined) => (ms === undefined ? '-' : (sizeMb / (ms / 1000)).toFixed(0));
    const sessionMs = session ? load.result.loadMs + session.result.sessionMs : undefined;
    const toSession = session ? Math.max(load.renderer, session.renderer) : undefined;
    console.log(`${label} | ${options.chunkSize / MB} | ${load.result.loadMs.toFixed(0)} | ${rate(load.result.loadMs)} | ${sessionMs?.toFixed(0) ?? '-'} | ${rate(sessionMs)} | ${(load.renderer / sizeMb).toFixed(2)} | ${toSession === undefined ? '-' : (toSession / sizeMb).toFixed(2)} | ${Math.max(load.total, session?.total ?? 0).toFixed(0)}`);
  }
} finally {
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
