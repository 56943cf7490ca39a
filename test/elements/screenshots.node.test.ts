// Screenshot tests: each element, light and dark, rendered by headless Chromium (puppeteer-core) and compared with
// the committed PNGs in test/elements/screenshots/ with a tolerance. The test runner's browser tests cannot take
// screenshots with the chrome launcher, so this runs from Node: esbuild bundles the elements, a loopback server
// serves them, and the comparison decodes both PNGs in the page. WD_UPDATE_SCREENSHOTS=1 rewrites the references.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const DIR = 'test/elements/screenshots';
const UPDATE = process.env.WD_UPDATE_SCREENSHOTS === '1';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** A channel may differ by this much (anti-aliasing, font hinting) ... */
const CHANNEL_TOLERANCE = 24;
/** ... and at most this share of pixels may differ by more. */
const PIXEL_TOLERANCE = 0.005;

const PAGE = (scheme: string) => `<!doctype html><html><head><meta charset="utf-8">
<style>
  :root { color-scheme: ${scheme}; }
  body { margin: 0; padding: 16px; width: 420px; font: 14px/1.4 sans-serif; background: Canvas; color: CanvasText; }
  prompt-box, diffusion-canvas { margin-bottom: 16px; }
</style>
<script type="module" src="/elements.js"></script></head>
<body><prompt-box prompt="a lighthouse on a cliff at dusk"></prompt-box><diffusion-canvas brush-size="12"></diffusion-canvas>
<script type="module">
  await customElements.whenDefined('diffusion-canvas');
  const canvas = document.querySelector('diffusion-canvas');
  const data = new Uint8ClampedArray(64 * 48 * 4);
  for (let y = 0; y < 48; y += 1) for (let x = 0; x < 64; x += 1) data.set([x * 4, y * 5, 160, 255], (y * 64 + x) * 4);
  canvas.image = new ImageData(data, 64, 48);
  await canvas.updateComplete;
  const overlay = canvas.shadowRoot.querySelector('canvas[part="mask"]');
  const box = overlay.getBoundingClientRect();
  const at = (type, x, y) => overlay.dispatchEvent(new PointerEvent(type, { bubbles: true, composed: true, pointerId: 1, button: type === 'pointermove' ? -1 : 0, clientX: box.left + x * box.width, clientY: box.top + y * box.height }));
  at('pointerdown', 0.2, 0.3); at('pointermove', 0.5, 0.6); at('pointermove', 0.8, 0.4); at('pointerup', 0.8, 0.4);
  await canvas.updateComplete;
  document.body.dataset.ready = '1';
</script></body></html>`;

async function bundle(): Promise<string> {
  const result = await build({ entryPoints: ['src/elements/index.ts'], bundle: true, format: 'esm', write: false, target: 'es2022', logLevel: 'silent' });
  return result.outputFiles[0].text;
}

function serve(script: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/elements.js') return response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE(url.searchParams.get('scheme') ?? 'light'));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

/** In-page comparison, as source text: tsx would add helpers to a function that do not exist in the page. */
const COMPARE = `async (a, b, tolerance) => {
  const pixels = async (base64) => {
    const bitmap = await createImageBitmap(await (await fetch('data:image/png;base64,' + base64)).blob());
    const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, bitmap.width, bitmap.height);
  };
  const [x, y] = [await pixels(a), await pixels(b)];
  if (x.width !== y.width || x.height !== y.height) return 1;
  let differing = 0;
  for (let i = 0; i < x.data.length; i += 4) {
    if ([0, 1, 2, 3].some((c) => Math.abs(x.data[i + c] - y.data[i + c]) > tolerance)) differing += 1;
  }
  return differing / (x.width * x.height);
}`;

/** Share of pixels whose channels differ by more than the tolerance (1 when the sizes differ). */
async function difference(page: Page, actual: Uint8Array, expected: Uint8Array): Promise<number> {
  const [a, b] = [Buffer.from(actual).toString('base64'), Buffer.from(expected).toString('base64')];
  return page.evaluate(`(${COMPARE})(${JSON.stringify(a)}, ${JSON.stringify(b)}, ${CHANNEL_TOLERANCE})`) as Promise<number>;
}

describe('element screenshots', { skip: !existsSync(CHROMIUM) && 'Chromium is not installed' }, () => {
  let browser: Browser;
  let server: Server;
  let url: string;

  before(async () => {
    ({ server, url } = await serve(await bundle()));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none', '--force-color-profile=srgb', '--hide-scrollbars', '--disable-lcd-text'],
    });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  for (const scheme of ['light', 'dark']) {
    for (const tag of ['prompt-box', 'diffusion-canvas']) {
      it(`${tag} (${scheme}) matches ${DIR}/${tag}-${scheme}.png`, async () => {
        const page = await browser.newPage();
        await page.setViewport({ width: 460, height: 900, deviceScaleFactor: 1 });
        await page.goto(`${url}/?scheme=${scheme}`);
        await page.waitForSelector('body[data-ready="1"]');
        const shot = (await (await page.$(tag))!.screenshot({ type: 'png' })) as Uint8Array;
        const file = `${DIR}/${tag}-${scheme}.png`;
        if (UPDATE || !existsSync(file)) {
          mkdirSync(DIR, { recursive: true });
          writeFileSync(file, shot);
        }
        const share = await difference(page, shot, readFileSync(file));
        await page.close();
        assert.ok(share <= PIXEL_TOLERANCE, `${(share * 100).toFixed(2)}% of pixels differ from ${file}`);
      });
    }
  }
});
