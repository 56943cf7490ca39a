// `npm test`: every test, then one closing line "N passed, N failed, N skipped".
//   1. check that Chromium is installed (and say the one command that installs it if not);
//   2. generate the tiny fixture models when they are missing or stale;
//   3. Node tests (*.node.test.ts) with node:test;
//   4. browser tests (*.browser.test.ts) with @web/test-runner in headless Chromium, cross-origin isolated,
//      then the *.no-coi.browser.test.ts files again without isolation (single-threaded WASM).
//   (The browser tests include dist/ tests, so the build runs first.)
// Flags: --only node|browser; any other argument is a test file to run alone.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Totals { passed: number; failed: number; skipped: number }
interface Timing { file: string; ms: number; wallMs?: number }
interface Summary extends Totals { timings?: Timing[] }

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const picked = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--only');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const totals: Totals = { passed: 0, failed: 0, skipped: 0 };

function run(command: string, commandArgs: string[], env: NodeJS.ProcessEnv = {}): number {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

/** Test files under test/ whose names end with `suffix` (Node 20 has no fs.globSync). */
function files(suffix: string): string[] {
  const all = (readdirSync('test', { recursive: true }) as string[])
    .map((file) => join('test', file)).filter((file) => file.endsWith(suffix)).sort();
  return picked.length ? all.filter((file) => picked.some((p) => file.includes(p))) : all;
}

function ensureFixtures(): void {
  if (!existsSync('tools/make-fixtures.ts')) return;
  if (run('npx', ['tsx', 'tools/make-fixtures.ts', '--check'], { WD_QUIET: '1' }) === 0) return;
  if (run('npx', ['tsx', 'tools/make-fixtures.ts']) !== 0) {
    console.error('Generating the fixture models failed.');
    totals.failed += 1;
  }
}

function nodeTests(): void {
  const list = files('.node.test.ts');
  if (!list.length) return;
  const tap = join(mkdtempSync(join(tmpdir(), 'wd-node-')), 'report.tap');
  // One file at a time: two at once saved 50 s on 2 cores, but the custom-elements.json freshness check then once
  // read a manifest short of a module (cem under load), a red CI run for a green tree.
  const status = run('node', ['--import', 'tsx', '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...list]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const read = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  totals.passed += read('pass');
  totals.failed += read('fail') + read('cancelled');
  totals.skipped += read('skipped') + read('todo');
  if (status !== 0 && read('fail') + read('cancelled') === 0) totals.failed += 1;
}

function browserRun(list: string[], isolated: boolean): void {
  if (!list.length) return;
  const summary = join(mkdtempSync(join(tmpdir(), 'wd-wtr-')), 'summary.json');
  const status = run('npx', ['web-test-runner', '--config', 'web-test-runner.config.mjs'], {
    WD_TEST_FILES: list.join(','), WD_SUMMARY_FILE: summary, WD_ISOLATION: isolated ? '1' : '0',
  });
  const result = existsSync(summary) ? (JSON.parse(readFileSync(summary, 'utf8')) as Summary) : undefined;
  totals.passed += result?.passed ?? 0;
  totals.failed += result?.failed ?? 0;
  totals.skipped += result?.skipped ?? 0;
  if (status !== 0 && !result?.failed) totals.failed += 1;
  printSlowest(result?.timings ?? []);
}

/** The slowest files by wall time, with their summed test time: where to look first when the suite nears CI's budget. */
function printSlowest(timings: Timing[]): void {
  const wall = (t: Timing) => t.wallMs ?? t.ms;
  const slowest = [...timings].sort((a, b) => wall(b) - wall(a)).slice(0, 8);
  if (!slowest.length) return;
  const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(6);
  const sum = (f: (t: Timing) => number) => timings.reduce((s, t) => s + f(t), 0);
  console.log(`\nSlowest browser test files (wall s, of which in tests; all ${timings.length} files:${seconds(sum(wall))} s,${seconds(sum((t) => t.ms))} s in tests):`);
  for (const t of slowest) console.log(`  ${seconds(wall(t))} s ${seconds(t.ms)} s  ${t.file}`);
}

/** The dist/ tests load the built bundles, as a site without a bundler would. */
function build(): void {
  if (run('npx', ['rollup', '-c', '--silent']) !== 0) {
    console.error('The build failed.');
    totals.failed += 1;
  }
}

function browserTests(): void {
  if (!existsSync(chromium)) {
    console.error(`Chromium was not found at ${chromium}. Install it with:\n\n  sudo apt-get install -y chromium mesa-vulkan-drivers\n`);
    totals.failed += 1;
    return;
  }
  build();
  browserRun(files('.browser.test.ts').filter((f) => !f.endsWith('.no-coi.browser.test.ts')), true);
  browserRun(files('.no-coi.browser.test.ts'), false);
}

if (only !== 'browser') ensureFixtures();
if (only !== 'browser') nodeTests();
if (only !== 'node') { if (only === 'browser') ensureFixtures(); browserTests(); }
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
