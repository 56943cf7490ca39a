// `npm run bench [-- name ...]`: runs bench/<name>.bench.ts for each name given, or all of them.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const all = readdirSync('bench').filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', '')).sort();
const picked = process.argv.slice(2).length ? process.argv.slice(2) : all;
for (const name of picked) {
  console.log(`\n=== bench/${name}.bench.ts`);
  const status = spawnSync('npx', ['tsx', `bench/${name}.bench.ts`], { stdio: 'inherit' }).status;
  if (status !== 0) process.exitCode = status ?? 1;
}
