// Microseconds per scheduler `step` on a 1x4x64x64 latent (16384 floats), median after warm-up, per registered class.
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

/** Step times (microseconds) of one full run; the model is a fixed tensor so only the scheduler is timed. */
function timeRun(className: string, output: Float32Array, initial: Float32Array): number[] {
  const scheduler = createScheduler({ ...SD15, _class_name: className });
  scheduler.setTimesteps(STEPS);
  const generator = new TorchGenerator(0);
  let sample = initial;
  const times: number[] = [];
  for (const t of scheduler.timesteps) {
    scheduler.scaleModelInput(sample, t);
    const start = process.hrtime.bigint();
    sample = scheduler.step(output, t, sample, generator);
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return times;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

const cpu = cpus();
console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${platform()} ${release()}; Node ${process.version}`);
console.log(`latent 1x4x64x64 (${SIZE} floats), ${STEPS} steps per run, ${WARMUP_RUNS} warm-up + ${TIMED_RUNS} timed runs`);
const noise = new TorchGenerator(42).randn(SIZE);
const output = noise.map((v) => v * 0.5);
let slow = 0;
for (const className of schedulerClassNames()) {
  for (let i = 0; i < WARMUP_RUNS; i += 1) timeRun(className, output, noise);
  const times: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i += 1) times.push(...timeRun(className, output, noise));
  const us = median(times);
  if (us > TARGET_US) slow += 1;
  console.log(`${className.padEnd(34)} ${us.toFixed(0).padStart(6)} us/step${us > TARGET_US ? `  (over the ${TARGET_US} us target)` : ''}`);
}
console.log(slow ? `${slow} scheduler(s) over ${TARGET_US} us/step` : `all under ${TARGET_US} us/step`);
