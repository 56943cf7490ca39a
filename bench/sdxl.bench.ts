// The JavaScript overhead per denoising step of the SDXL contract at 1024x1024 (latent 1x4x128x128: two
// encoders' embeddings, text_embeds and time_ids fed each step) beside SD's at 512x512 (latent 1x4x64x64), on
// the tiny fixture models in headless Chromium on WASM (software WebGPU needs minutes at 1024x1024). The overhead
// is each step's time outside session.run: scheduler, guidance mix, tensor conversion. Run: `npm run bench -- sdxl`.
import { spawnSync } from 'node:child_process';
import { machineLine, openBenchPage } from './browser.ts';

spawnSync('npx', ['tsx', 'tools/make-fixtures.ts', '--check'], { stdio: 'ignore' }).status === 0
  || spawnSync('npx', ['tsx', 'tools/make-fixtures.ts'], { stdio: 'inherit' });
spawnSync('npx', ['rollup', '-c', '--silent'], { stdio: 'inherit' });

const { browser, page, close } = await openBenchPage('bench/pipeline.html');
try {
  console.log(`machine: ${machineLine()}`);
  console.log(`browser: ${await browser.version()}`);
  const cases = [
    { label: 'SD tiny 512x512 (latent 1x4x64x64), 6 steps, cfg 7.5', variant: 'optimum-fp32', size: 512, steps: 6, guidanceScale: 7.5, runs: 3 },
    { label: 'SD tiny 1024x1024 (latent 1x4x128x128), 6 steps, cfg 7.5', variant: 'optimum-fp32', size: 1024, steps: 6, guidanceScale: 7.5, runs: 2 },
    { label: 'SDXL tiny 1024x1024 (latent 1x4x128x128), 6 steps, cfg 7.5', variant: 'sdxl-tiny', size: 1024, steps: 6, guidanceScale: 7.5, runs: 2 },
    { label: 'SDXL tiny 1024x1024 (latent 1x4x128x128), 6 steps, no cfg', variant: 'sdxl-tiny', size: 1024, steps: 6, guidanceScale: 0, runs: 2 },
  ];
  console.log('\ncase | device | encode ms | step ms | JS overhead ms/step (median, p90) | decode ms | total ms');
  const filters = process.argv.slice(2);
  for (const { label, ...options } of cases) {
    if (!filters.every((word) => label.includes(word))) continue;
    const r = await page.evaluate((o) => (window as unknown as { runBench: (o: unknown) => Promise<Record<string, number | string>> }).runBench(o), { ...options, device: 'wasm' }) as Record<string, number>;
    const f = (n: number) => n.toFixed(2);
    console.log(`${label} | ${r.device} | ${f(r.encode)} | ${f(r.step)} | ${f(r.stepOverhead)}, ${f(r.stepOverheadP90)} | ${f(r.decode)} | ${f(r.total)}`);
  }
} finally {
  await close();
}
