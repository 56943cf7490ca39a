// Builds dist/: ES modules that work from a plain <script type="module"> on any static host, with no bundler and no
// import map:
//   index.js (SDK) and elements.js (Lit elements), built together: elements.js imports the SDK from ./index.js, so a
//     page (or an app's bundler) that uses both gets one SDK, one DiffusionError class and one download of it;
//   worker.js (pipeline + onnxruntime-web), tokenizer.js, schedulers.js, random.js (pure, also for Node), each a build
//     of its own with every import inlined; and onnxruntime-web's .wasm beside worker.js.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

// The JSPI build for engines with JSPI, the asyncify build for the rest (src/worker/runtime/ort.ts picks).
const ORT_WASM = ['ort-wasm-simd-threaded.jspi.wasm', 'ort-wasm-simd-threaded.asyncify.wasm'];

/** In source the SDK starts `../worker/worker.ts`; in dist the worker sits beside it as `./worker.js`. */
function workerUrl() {
  return {
    name: 'web-diffusion-worker-url',
    transform(code) {
      return code.includes('../worker/worker.ts') ? { code: code.replaceAll('../worker/worker.ts', './worker.js'), map: null } : null;
    },
  };
}

/** The shipped models are in src/models/: two folders up from source's shipped-models.ts, one from dist/. */
function shippedModelsUrl() {
  return {
    name: 'web-diffusion-shipped-models-url',
    transform(code, id) {
      return id.endsWith('shipped-models.ts') ? { code: code.replace('../../models/', '../src/models/'), map: null } : null;
    },
  };
}

/** ORT fetches its .wasm relative to its own module URL, which is worker.js once bundled. */
function copyOrtWasm() {
  return {
    name: 'web-diffusion-ort-wasm',
    writeBundle() {
      mkdirSync('dist', { recursive: true });
      for (const file of ORT_WASM) copyFileSync(`node_modules/onnxruntime-web/dist/${file}`, `dist/${file}`);
    },
  };
}

/** Entries a page imports: one build, sharing the SDK (decision 0012). */
const pageEntries = { index: 'src/sdk/index.ts', elements: 'src/elements/index.ts' };

/** Entries that stand alone: one build each, every import inlined. */
const entries = {
  worker: 'src/worker/worker.ts',
  tokenizer: 'src/worker/tokenizer/index.ts',
  schedulers: 'src/worker/schedulers/index.ts',
  random: 'src/worker/tensor/random.ts',
};

const plugins = (name) => [
  nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] }),
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', minify: false }),
  workerUrl(),
  shippedModelsUrl(),
  ...(name === 'worker' ? [copyOrtWasm()] : []),
];

function onwarn(warning, warn) {
  // onnxruntime-web's bundle uses eval-free but `this`-at-top-level code; the rest are real problems.
  if (warning.code === 'THIS_IS_UNDEFINED') return;
  warn(warning);
}

const pages = {
  input: pageEntries,
  // The shared SDK code is index.js itself (extended with the internals elements.js uses), not a third file.
  preserveEntrySignatures: 'allow-extension',
  // Chunks other than the entries (none today) would sit beside them, so relative URLs (worker.js, the models) hold.
  output: { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
  plugins: plugins('pages'),
  onwarn,
};

export default [
  pages,
  ...Object.entries(entries)
    .filter(([, input]) => existsSync(input))
    .map(([name, input]) => ({
      input,
      output: { file: `dist/${name}.js`, format: 'es', sourcemap: true, inlineDynamicImports: true },
      plugins: plugins(name),
      onwarn,
    })),
];
