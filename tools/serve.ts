// `npm start`: build dist/ and serve the repository over HTTP with cross-origin isolation (so ORT's WASM can use
// threads). Prints the demo's localhost URL. The demos' default model (shapes) ships in src/models/, so nothing
// is generated or downloaded first; `npm run fixtures` makes the random-weight test models if you want them.
import { spawnSync } from 'node:child_process';
import { startStaticServer } from './static-server.ts';

function step(label: string, command: string, args: string[]): void {
  console.log(`> ${label}`);
  const status = spawnSync(command, args, { stdio: 'inherit' }).status;
  if (status !== 0) process.exit(status ?? 1);
}

if (!process.argv.includes('--no-build')) step('Building dist/', 'npx', ['rollup', '-c', '--silent']);

const { url } = await startStaticServer(process.cwd(), Number(process.env.PORT ?? 8080));
console.log(`\nweb-diffusion demo: ${url}/demo/\n(Ctrl+C to stop)`);
