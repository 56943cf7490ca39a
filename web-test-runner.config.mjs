// @web/test-runner: real headless Chromium (Debian's), real Workers, real IndexedDB, WebGPU on SwiftShader.
// Recipe and hazards: docs/testing.md. Run through `npm test`, which also prepares fixtures and prints the totals.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { requestLog } from './test/servers/request-log.mjs';
import { faultServer } from './test/servers/fault-server.mjs';
import { liveServer } from './test/servers/live-server.mjs';
import { summaryReporter } from './test/servers/summary-reporter.mjs';
import { defaultReporter } from '@web/test-runner';

const isolated = process.env.WD_ISOLATION !== '0';
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Cross-origin isolation lets ORT's threaded WASM use SharedArrayBuffer; the product must also work without it. */
function isolationHeaders(context, next) {
  if (isolated) {
    context.set('Cross-Origin-Opener-Policy', 'same-origin');
    context.set('Cross-Origin-Embedder-Policy', 'require-corp');
    context.set('Cross-Origin-Resource-Policy', 'same-origin');
  }
  return next();
}

export default {
  files: process.env.WD_TEST_FILES ? process.env.WD_TEST_FILES.split(',') : ['test/**/*.browser.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'import', 'default'] },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  middleware: [isolationHeaders, requestLog, faultServer, liveServer],
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 600_000,
  // One retry: on 2 cores about one model load in 150 never settles inside ORT's first InferenceSession.create in a
  // worker (docs/testing.md). Loads through test/helpers/models.ts abort and retry themselves (hooks are not
  // retried); this covers the rest. The browser logs of a file with a retry say where a call hung.
  testFramework: { config: { timeout: 120_000, ui: 'bdd', retries: 1 } },
  reporters: [defaultReporter(), summaryReporter(process.env.WD_SUMMARY_FILE)],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: [
          '--no-sandbox',
          '--enable-unsafe-webgpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
          '--disable-dev-shm-usage',
        ],
      },
    }),
  ],
};
