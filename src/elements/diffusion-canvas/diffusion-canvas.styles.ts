/** Styles of `<diffusion-canvas>`; every colour and size has a custom property with a fallback. */
import { css } from 'lit';

/** The element's shadow styles. */
export const diffusionCanvasStyles = css`
  :host {
    display: block;
    max-width: var(--diffusion-canvas-max-width, 100%);
    font: var(--diffusion-canvas-font, inherit);
    color: var(--diffusion-canvas-text, light-dark(#1b1b1f, #e6e6ea));
    --_accent: var(--diffusion-canvas-accent, light-dark(#4b3fd8, #a59bff));
    --_surface: var(--diffusion-canvas-surface, light-dark(#f2f2f6, #26262c));
    --_radius: var(--diffusion-canvas-radius, 8px);
  }
  :host([hidden]) { display: none; }
  .stage {
    position: relative;
    width: 100%;
    border-radius: var(--_radius);
    overflow: hidden;
    background: var(--diffusion-canvas-background, light-dark(#e4e4ea, #18181c));
    outline-offset: 2px;
  }
  .stage:focus-visible { outline: 2px solid var(--_accent); }
  canvas { position: absolute; inset: 0; width: 100%; height: 100%; display: block; }
  .mask {
    color: var(--diffusion-canvas-mask-color, #ff2d55);
    opacity: var(--diffusion-canvas-mask-opacity, 0.5);
    touch-action: none;
    cursor: crosshair;
  }
  .brush-cursor {
    display: none; position: absolute; box-sizing: border-box; translate: -50% -50%; border-radius: 50%;
    border: 2px solid var(--_accent); box-shadow: 0 0 0 1px light-dark(#fff, #000); pointer-events: none;
  }
  .stage:focus-visible .brush-cursor { display: block; }
  .placeholder {
    position: absolute; inset: 0; display: grid; place-items: center; padding: 1rem; text-align: center;
    color: var(--diffusion-canvas-placeholder-color, light-dark(#5c5c66, #a0a0aa));
  }
  .toolbar { display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; align-items: center; margin-block: 0.5rem; }
  button {
    font: inherit; color: inherit; background: var(--_surface); border: 1px solid light-dark(#c8c8d0, #44444c);
    border-radius: calc(var(--_radius) / 2); padding: 0.25rem 0.6rem; min-height: 2rem; cursor: pointer;
  }
  button[aria-pressed='true'] { background: var(--_accent); color: var(--diffusion-canvas-accent-text, light-dark(#fff, #111)); }
  button:disabled { opacity: 0.5; cursor: default; }
  button:focus-visible, input:focus-visible { outline: 2px solid var(--_accent); outline-offset: 1px; }
  label { display: inline-flex; gap: 0.35rem; align-items: center; }
  input[type='range'] { accent-color: var(--_accent); width: 7rem; }
  .progress { display: grid; gap: 0.25rem; margin-block: 0.5rem; }
  progress { width: 100%; height: 0.5rem; accent-color: var(--_accent); }
  .error {
    margin-block: 0.5rem; padding: 0.5rem 0.75rem; border-radius: calc(var(--_radius) / 2);
    background: var(--diffusion-canvas-error-background, light-dark(#fde8ec, #4a1620));
    color: var(--diffusion-canvas-error-color, light-dark(#8a1029, #ffb3c1));
  }
  [hidden] { display: none !important; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  @media (max-width: 30rem) {
    .toolbar { gap: 0.25rem; }
    input[type='range'] { width: 5rem; }
  }
`;
