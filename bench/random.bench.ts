// Microseconds per `randn(16384)` (one SD 1.5 512x512 latent, (1, 4, 64, 64)) and per `rand(16384)`, the median of
// many runs after warm-up, with the machine and the Node version. Run: npx tsx bench/random.bench.ts
import { cpus, platform, arch } from 'node:os';
import { performance } from 'node:perf_hooks';
import { TorchGenerator } from '../src/worker/tensor/random.ts';

const SIZE = 1 * 4 * 64 * 64;
const WARMUP = 200;
const RUNS = 1000;

/** Median time of one call of `work`, in microseconds. */
function medianMicros(work: () => unknown): number {
  for (let i = 0; i < WARMUP; i += 1) work();
  const times = new Float64Array(RUNS);
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    work();
    times[i] = (performance.now() - start) * 1000;
  }
  times.sort();
  return times[RUNS >> 1];
}

const generator = new TorchGenerator(0);
const randn = medianMicros(() => generator.manualSeed(42).randn(SIZE));
const randn17 = medianMicros(() => generator.manualSeed(42).randn(SIZE + 1));
const rand = medianMicros(() => generator.manualSeed(42).rand(SIZE));
const cpu = cpus();

console.log(`machine: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores, ${platform()} ${arch()}; Node ${process.version}`);
console.log(`randn(${SIZE}): ${randn.toFixed(1)} us (median of ${RUNS} after ${WARMUP} warm-up runs, manualSeed included)`);
console.log(`randn(${SIZE + 1}): ${randn17.toFixed(1)} us (with the recomputed tail)`);
console.log(`rand(${SIZE}): ${rand.toFixed(1)} us`);
