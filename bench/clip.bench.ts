// CLIP: ms per text embedding and per image embedding (preprocessing included, as a page sees it), batch 1 and 8,
// on the tiny generated CLIP (both export layouts) on WASM in headless Chromium. The tiny model makes the figures
// mostly per-call overhead (worker round trip, preprocessing, ORT dispatch); a real ViT-B/32 adds its FLOPs.
// Run: `npm run bench -- clip`.
// 2026-12-03, Intel Xeon x2 (shared by 8 people, so noisy), Chrome 156, WASM 1 thread, ms per text / per image:
//   split    batch 1: 50.3 / 39.8 (first case, includes warm-up effects)   batch 8: 8.5 / 10.9
//   combined batch 1: 16.5 / 18.1                                          batch 8: 5.1 / 3.5
import { spawnSync } from 'node:child_process';
import { machineLine, openBenchPage } from './browser.ts';

spawnSync('npx', ['tsx', 'tools/make-fixtures.ts', '--check'], { stdio: 'ignore' }).status === 0
  || spawnSync('npx', ['tsx', 'tools/make-fixtures.ts'], { stdio: 'inherit' });
spawnSync('npx', ['rollup', '-c', '--silent'], { stdio: 'inherit' });

const { browser, page, close } = await openBenchPage('bench/clip.html');
try {
  console.log(`machine: ${machineLine()}`);
  console.log(`browser: ${await browser.version()}`);
  console.log('\nmodel | device | batch | ms per text | ms per image');
  for (const layout of ['clip-split', 'clip-combined']) {
    for (const batch of [1, 8]) {
      const options = { model: `/test/fixtures/models/${layout}/`, device: 'wasm', batch, runs: 10 };
      const r = await page.evaluate((o) => (window as unknown as { runBench: (o: unknown) => Promise<Record<string, number | string>> }).runBench(o), options) as Record<string, number>;
      console.log(`tiny ${layout} | ${r.device} | ${batch} | ${r.text.toFixed(2)} | ${r.image.toFixed(2)}`);
    }
  }
} finally {
  await close();
}
