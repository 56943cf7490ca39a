// The size of dist/index.js and dist/elements.js as a page downloads them (minified, gzip -9), built in memory from
// rollup.config.mjs so the figure is the shipped bundle's. ORT is not in either: it loads inside worker.js.
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { rollup, type OutputChunk, type OutputOptions, type RollupOptions } from 'rollup';

/** The budgets of issue 13: min+gzip bytes per bundle (kB of 1000 bytes, as the issue measured 37.7 kB). */
export const BUNDLE_BUDGETS = { index: 8_000, elements: 20_000 } as const;

/**
 * Without the schedulers the elements bundle was 23.0 kB; with CLIP's createClip and the SDK's boundary checks it grew
 * to 25.2 kB and dist/index.js to 8.7 kB. One worker session for Diffusion and Clip, one table of request rules, and
 * sampler names without their configs brought them to 24.6 kB and 8.3 kB; invert() and SDXL's request checks took
index.js to 9.2 kB. Since decision 0012 elements.js imports the
 * SDK from index.js instead of carrying a copy: elements.js alone is Lit and the elements, and a page with elements
 * downloads both files (`withImports`). Since decision 0013 createClip, invert() and generateBatch() load their halves
 * of the SDK on their first call: index.js went from 9.2 kB to 8.0 kB, its budget. The elements' ceiling stops
 * their growth; index.js's budget is its ceiling.
 */
export const ELEMENTS_CEILING = 17_500;

/** A built bundle: its unminified code (to look inside) and its min+gzip size, alone and with what it imports. */
export interface BundleSize {
  readonly name: string;
  readonly code: string;
  readonly minified: number;
  readonly gzipped: number;
  /** The file and the files it imports statically, each gzipped as a browser fetches it. */
  readonly withImports: { readonly files: readonly string[]; readonly code: string; readonly gzipped: number };
  /** Chunks it loads on first use (`import()`), each gzipped: CLIP's, invert()'s and generateBatch()'s (decision 0013). */
  readonly lazy: readonly { readonly file: string; readonly code: string; readonly gzipped: number }[];
}

async function minGzip(code: string): Promise<{ minified: number; gzipped: number }> {
  const minified = (await transform(code, { minify: true, format: 'esm' })).code;
  return { minified: minified.length, gzipped: gzipSync(minified, { level: 9 }).length };
}

/** Builds the rollup.config.mjs build that emits dist/<name>.js (`index`, `elements`, ...) in memory and measures it. */
export async function measureBundle(name: string): Promise<BundleSize> {
  const configs = (await import(new URL('../rollup.config.mjs', import.meta.url).href)).default as RollupOptions[];
  const config = configs.find((c) => (c.output as OutputOptions).file === `dist/${name}.js` || Object.keys(c.input as object).includes(name));
  if (!config) throw new Error(`rollup.config.mjs has no dist/${name}.js`);
  const bundle = await rollup({ ...config, onwarn: () => {} });
  try {
    const { output } = await bundle.generate(config.output as OutputOptions);
    const chunks = output.filter((o): o is OutputChunk => o.type === 'chunk');
    const chunk = chunks.find((c) => c.fileName === `${name}.js`) ?? chunks[0];
    const named = (files: string[]) => files.map((file) => chunks.find((c) => c.fileName === file)).filter((c): c is OutputChunk => !!c);
    const imported = named(chunk.imports);
    const own = await minGzip(chunk.code);
    const sizes = await Promise.all(imported.map((c) => minGzip(c.code)));
    const lazy = await Promise.all(named(chunk.dynamicImports).map(async (c) => ({ file: c.fileName, code: c.code, gzipped: (await minGzip(c.code)).gzipped })));
    return {
      name, code: chunk.code, ...own,
      withImports: {
        files: [chunk.fileName, ...imported.map((c) => c.fileName)],
        code: [chunk.code, ...imported.map((c) => c.code)].join('\n'),
        gzipped: own.gzipped + sizes.reduce((sum, s) => sum + s.gzipped, 0),
      },
      lazy,
    };
  } finally {
    await bundle.close();
  }
}
