/**
 * Where the models that ship with the package live: `src/models/` (tools/train/ makes them). From source this
 * module is src/worker/models/; in dist/ rollup rewrites the path for dist/worker.js, beside which `../src/`
 * is the same folder (the package ships src/). So the shapes presets load from wherever the page serves the
 * package, with no host of ours involved.
 */
export function shippedModel(name: string): string {
  return new URL(`../../models/${name}/`, import.meta.url).href;
}
