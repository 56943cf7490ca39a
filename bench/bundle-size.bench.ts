// `npm run bench -- bundle-size`: prints the min+gzip size of the SDK and elements bundles against their budgets.
import { BUNDLE_BUDGETS, measureBundle } from './bundle-size.ts';

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
for (const name of Object.keys(BUNDLE_BUDGETS) as (keyof typeof BUNDLE_BUDGETS)[]) {
  const size = await measureBundle(name);
  console.log(`dist/${name}.js: ${kb(size.minified)} minified, ${kb(size.gzipped)} min+gzip (budget ${kb(BUNDLE_BUDGETS[name])})`);
}
