// The size of dist/index.js and dist/elements.js as a page downloads them (minified, gzip -9), built in memory from
// rollup.config.mjs so the figure is the shipped bundle's. ORT is not in either: it loads inside worker.js.
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { rollup, type RollupOptions, type OutputOptions } from 'rollup';

/** The budgets of issue 13: min+gzip bytes per bundle (kB of 1000 bytes, as the issue measured 37.7 kB). */
export const BUNDLE_BUDGETS = { index: 8_000, elements: 20_000 } as const;

/**
 * Without the schedulers the elements bundle was 23.0 kB; with CLIP's createClip and the SDK's boundary checks it grew
 * to 25.2 kB and dist/index.js to 8.7 kB. One worker session for Diffusion and Clip, one table of request rules, and
 * sampler names without their configs brought them to 24.6 kB and 8.3 kB, still over budget (issue 13.1 stays open).
 * What is left of elements.js (each part's share of the gzip, measured by leaving it out): Lit 6.3 kB, Comlink 1.5,
 * the SDK 6.1, the elements' own code 10.2. dist/elements.js re-exports the whole SDK (docs/elements.md), so nothing
 * of it can be shaken out; 20 kB would take nearly half of the elements' own code. These ceilings stop both growing.
 */
export const ELEMENTS_CEILING = 24_600;
export const INDEX_CEILING = 8_300;

/** A built bundle: its unminified code (to look inside) and its minified and min+gzip sizes. */
export interface BundleSize { readonly name: string; readonly code: string; readonly minified: number; readonly gzipped: number }

/** Builds one entry of rollup.config.mjs (`index`, `elements`, ...) in memory and measures it. */
export async function measureBundle(name: string): Promise<BundleSize> {
  const configs = (await import(new URL('../rollup.config.mjs', import.meta.url).href)).default as RollupOptions[];
  const config = configs.find((c) => (c.output as OutputOptions).file === `dist/${name}.js`);
  if (!config) throw new Error(`rollup.config.mjs has no dist/${name}.js`);
  const bundle = await rollup({ ...config, onwarn: () => {} });
  try {
    const { output } = await bundle.generate(config.output as OutputOptions);
    const code = output[0].code;
    const minified = (await transform(code, { minify: true, format: 'esm' })).code;
    return { name, code, minified: minified.length, gzipped: gzipSync(minified, { level: 9 }).length };
  } finally {
    await bundle.close();
  }
}
