// `npm run fixtures`: writes the tiny Stable Diffusion ONNX models (one folder per export family, see
// tools/fixtures/variants.ts) under test/fixtures/models/, with manifest.json and .stamp.
//   --out DIR   write elsewhere (the determinism test generates twice into temporary folders)
//   --check     write nothing; exit 0 when the fixtures are up to date, 1 when they need generating
// WD_QUIET=1 silences the messages.
import { resolve } from 'node:path';
import { DEFAULT_OUT, fixturesUpToDate, generateFixtures } from './fixtures/generate.ts';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outDir = outIndex >= 0 && args[outIndex + 1] ? resolve(args[outIndex + 1]) : DEFAULT_OUT;
const say = (text: string) => { if (process.env.WD_QUIET !== '1') console.log(text); };

if (args.includes('--check')) {
  const fresh = fixturesUpToDate(outDir);
  say(fresh ? `Fixtures in ${outDir} are up to date.` : `Fixtures in ${outDir} are missing or stale; run npm run fixtures.`);
  process.exit(fresh ? 0 : 1);
}

const started = performance.now();
const manifest = generateFixtures(outDir);
const files = Object.values(manifest.variants).flatMap((variant) => Object.values(variant.files));
const bytes = files.reduce((sum, file) => sum + file.size, 0);
say(`Wrote ${Object.keys(manifest.variants).length} fixture variants (${files.length} files, ${(bytes / 1e6).toFixed(1)} MB) ` +
  `to ${outDir} in ${((performance.now() - started) / 1000).toFixed(1)} s (version ${manifest['fixtures-version']}).`);
