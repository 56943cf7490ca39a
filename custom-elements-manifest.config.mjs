// custom-elements.json from the element sources: `npx cem analyze` (see docs/elements.md).
// The Lit plugin reads @property/@state decorators; each class's JSDoc gives events, slots, parts and CSS properties.

/** Event classes per name, so the manifest gives each documented event its type. */
const EVENT_TYPES = {
  'diffusion-progress': 'DiffusionProgressEvent',
  'diffusion-complete': 'DiffusionCompleteEvent',
  'diffusion-error': 'DiffusionErrorEvent',
  'diffusion-mask-change': 'DiffusionMaskChangeEvent',
  'diffusion-submit': 'DiffusionSubmitEvent',
};

/**
 * The analyzer also guesses events from `dispatchEvent(new XEvent(arg))`, taking the first argument for the name;
 * our events carry their names inside their classes, so keep only the documented ones (they have descriptions).
 */
function documentedEventsOnly() {
  return {
    name: 'web-diffusion-documented-events',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (!declaration.events) continue;
          declaration.events = declaration.events
            .filter((event) => event.name && event.description)
            .map((event) => ({ ...event, type: event.type ?? { text: EVENT_TYPES[event.name] ?? 'Event' } }));
        }
      }
    },
  };
}

export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/elements/**/*.styles.ts', 'src/elements/**/*.parts.ts'],
  outdir: '.',
  litelement: true,
  // package.json names the manifest already; writing it would point it at any --outdir (the freshness test uses one).
  packagejson: false,
  plugins: [documentedEventsOnly()],
};
