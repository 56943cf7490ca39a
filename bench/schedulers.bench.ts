// Microseconds per scheduler `step` on a 1x4x64x64 latent (16384 floats), median after warm-up, per registered class:
// once with a real seeded TorchGenerator (the noise draws included) and once with a generator that hands out a
// pre-drawn tensor (the same draws, at no cost), so the scheduler's own work shows apart from torch's randn.
// Run: npx tsx bench/schedulers.bench.ts
import { cpus, platform, release } from 'node:os';
import { createScheduler, schedulerClassNames } from '../src/worker/schedulers/registry.ts';
import { TorchGenerator } from '../src/worker/tensor/random.ts';

const SIZE = 4 * 64 * 64;
const STEPS = 25;
const WARMUP_RUNS = 2;
const TIMED_RUNS = 6;
const TARGET_US = 500;
const SD15 = {
  num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', steps_offset: 1,
  clip_sample: false, set_alpha_to_one: false, skip_prk_steps: true,
};

/** A generator whose `randn` returns one pre-drawn tensor: the schedulers only read their noise. */
class PredrawnGenerator extends TorchGenerator {
  readonly #noise = new TorchGenerator(7).randn(SIZE);

  override randn(n: number): Float32Array {
    return n === SIZE ? this.#noise : super.randn(n);
  }
}

/** Step times (microseconds) of one full run; the model is a fixed tensor so only the scheduler is timed. */
function timeRun(className: string, output: Float32Array, initial: Float32Array, generator: TorchGenerator): number[] {
  const scheduler = createScheduler({ ...SD15, _class_name: className });
  scheduler.setTimesteps(STEPS);
  let sample = initial;
  const times: number[] = [];
  for (const t of scheduler.timesteps) {
    scheduler.scaleModelInput(sample, t);
    const start = process.hrtime.bigint();
    sample = scheduler.step(output, t, sample, generator).prevSample;
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return times;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Median step time of a class, with generators from `makeGenerator`. */
function benchClass(className: string, output: Float32Array, initial: Float32Array, makeGenerator: () => TorchGenerator): number {
  for (let i = 0; i < WARMUP_RUNS; i += 1) timeRun(className, output, initial, makeGenerator());
  const times: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i += 1) times.push(...timeRun(className, output, initial, makeGenerator()));
  return median(times);
}

/** Median microseconds of `new TorchGenerator(seed).randn(SIZE)`'s draw alone. */
function benchRandn(): number {
  const generator = new TorchGenerator(0);
  const times: number[] = [];
  for (let i = 0; i < 60; i += 1) {
    const start = process.hrtime.bigint();
    generator.randn(SIZE);
    if (i >= 10) times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return median(times);
}

const cpu = cpus();
console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${platform()} ${release()}; Node ${process.version}`);
console.log(`latent 1x4x64x64 (${SIZE} floats), ${STEPS} steps per run, ${WARMUP_RUNS} warm-up + ${TIMED_RUNS} timed runs`);
console.log(`TorchGenerator.randn(${SIZE}): ${benchRandn().toFixed(0)} us`);
const noise = new TorchGenerator(42).randn(SIZE);
const output = noise.map((v) => v * 0.5);
let slow = 0;
console.log(`${'class'.padEnd(34)} ${'draws incl.'.padStart(12)} ${'excl. draws'.padStart(12)}  (us/step; target ${TARGET_US})`);
for (const className of schedulerClassNames()) {
  const withDraws = benchClass(className, output, noise, () => new TorchGenerator(0));
  const withoutDraws = benchClass(className, output, noise, () => new PredrawnGenerator(0));
  if (withoutDraws > TARGET_US) slow += 1;
  const flag = withoutDraws > TARGET_US ? '  (scheduler work over target)' : '';
  console.log(`${className.padEnd(34)} ${withDraws.toFixed(0).padStart(12)} ${withoutDraws.toFixed(0).padStart(12)}${flag}`);
}
console.log(slow ? `${slow} scheduler(s) over ${TARGET_US} us/step excluding draws` : `all under ${TARGET_US} us/step excluding draws`);
