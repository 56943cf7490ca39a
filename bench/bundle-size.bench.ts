// `npm run bench -- bundle-size`: prints the min+gzip size of the SDK and elements bundles against their budgets,
// what a page downloads for each (the file and what it imports), and what loads later, on first use.
import { BUNDLE_BUDGETS, measureBundle } from './bundle-size.ts';

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
for (const name of Object.keys(BUNDLE_BUDGETS) as (keyof typeof BUNDLE_BUDGETS)[]) {
  const size = await measureBundle(name);
  const page = size.withImports.files.length > 1 ? `; with ${size.withImports.files.slice(1).join(', ')}: ${kb(size.withImports.gzipped)}` : '';
  const lazy = size.lazy.length ? `; on first use: ${size.lazy.map((c) => `${c.file.replace(/-[\w-]{8}\.js$/, '.js')} ${kb(c.gzipped)}`).join(', ')}` : '';
  console.log(`dist/${name}.js: ${kb(size.minified)} minified, ${kb(size.gzipped)} min+gzip (budget ${kb(BUNDLE_BUDGETS[name])})${page}${lazy}`);
}
