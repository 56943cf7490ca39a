// Relative asset URLs, so the built page works from any folder (the test server serves it under /test/vite-app/dist/).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022' },
});
