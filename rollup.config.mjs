// Builds dist/: self-contained ES modules that work from a plain <script type="module"> on any static host.
//   index.js (SDK), elements.js (Lit elements + SDK), worker.js (pipeline + onnxruntime-web),
//   tokenizer.js, schedulers.js, random.js (pure, also for Node), and onnxruntime-web's .wasm beside worker.js.
// Each entry is its own build with every import inlined, so no file needs a bundler or an import map.
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

const entries = {
  index: 'src/sdk/index.ts',
  elements: 'src/elements/index.ts',
  worker: 'src/worker/worker.ts',
  tokenizer: 'src/worker/tokenizer/index.ts',
  schedulers: 'src/worker/schedulers/index.ts',
  random: 'src/worker/tensor/random.ts',
};

export default Object.entries(entries)
  .filter(([, input]) => existsSync(input))
  .map(([name, input]) => ({
    input,
    output: { file: `dist/${name}.js`, format: 'es', sourcemap: true, inlineDynamicImports: true },
    plugins: [
      nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] }),
      esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', minify: false }),
      workerUrl(),
      shippedModelsUrl(),
      ...(name === 'worker' ? [copyOrtWasm()] : []),
    ],
    onwarn(warning, warn) {
      // onnxruntime-web's bundle uses eval-free but `this`-at-top-level code; the rest are real problems.
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
  }));
