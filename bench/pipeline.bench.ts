// Per-stage timings of the whole pipeline on the tiny fixture models, on WASM and WebGPU in headless Chromium,
// and the JavaScript overhead per denoising step for a 1x4x64x64 latent (512x512): the time between U-Net runs
// not spent inside session.run. Target: at most 2 ms per step. Run: `npm run bench -- pipeline`, or
// `npx tsx bench/pipeline.bench.ts 512 wasm` for the cases whose "label device" contains every word given.
import { spawnSync } from 'node:child_process';
import { machineLine, openBenchPage } from './browser.ts';

spawnSync('npx', ['tsx', 'tools/make-fixtures.ts', '--check'], { stdio: 'ignore' }).status === 0
  || spawnSync('npx', ['tsx', 'tools/make-fixtures.ts'], { stdio: 'inherit' });
spawnSync('npx', ['rollup', '-c', '--silent'], { stdio: 'inherit' });

const { browser, page, close } = await openBenchPage('bench/pipeline.html');
try {
  console.log(`machine: ${machineLine()}`);
  console.log(`browser: ${await browser.version()}`);
  console.log(`adapter: ${JSON.stringify(await page.evaluate('window.adapterInfo()'))}`);
  const cases = [
    { label: 'tiny 64x64, 4 steps, cfg 7.5', variant: 'optimum-fp32', size: 64, steps: 4, guidanceScale: 7.5, runs: 3 },
    // 8 steps x 4 runs on WASM: the overhead is a fraction of a millisecond next to scheduler noise, so take 32 samples.
    { label: 'tiny 512x512 (latent 1x4x64x64), 8 steps, cfg 7.5', variant: 'optimum-fp32', size: 512, steps: 8, guidanceScale: 7.5, runs: 4 },
    { label: 'tiny 512x512 (latent 1x4x64x64), 8 steps, no cfg', variant: 'web-int64', size: 512, steps: 8, guidanceScale: 0, runs: 4 },
    { label: 'tiny fp16 512x512, 8 steps, cfg 7.5', variant: 'olive-fp16', size: 512, steps: 8, guidanceScale: 7.5, runs: 4, devices: ['wasm'] },
  ];
  console.log('\ncase | device | load ms | encode ms | step ms | JS overhead ms/step (median, p90) | decode ms | total ms');
  const filters = process.argv.slice(2);
  for (const { label, devices = ['wasm', 'webgpu'], ...options } of cases) {
    for (const device of devices) {
      if (!filters.every((word) => `${label} ${device}`.includes(word))) continue;
      // Software WebGPU (SwiftShader) needs minutes per 512x512 generation: one measured run after the warm-up.
      const runs = device === 'webgpu' && options.size >= 512 ? 1 : options.runs;
      const r = await page.evaluate((o) => (window as unknown as { runBench: (o: unknown) => Promise<Record<string, number | string>> }).runBench(o), { ...options, runs, device }) as Record<string, number>;
      const f = (n: number) => n.toFixed(2);
      console.log(`${label} | ${r.device} | ${f(r.loadMs)} | ${f(r.encode)} | ${f(r.step)} | ${f(r.stepOverhead)}, ${f(r.stepOverheadP90)} | ${f(r.decode)} | ${f(r.total)}`);
    }
  }
} finally {
  await close();
}
