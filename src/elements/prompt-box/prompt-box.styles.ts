/** Styles of `<prompt-box>`; colours and sizes come from custom properties with fallbacks. */
import { css } from 'lit';

/** The element's shadow styles. */
export const promptBoxStyles = css`
  :host {
    display: block;
    font: var(--prompt-box-font, inherit);
    color: var(--prompt-box-text, light-dark(#1b1b1f, #e6e6ea));
    --_accent: var(--prompt-box-accent, light-dark(#4b3fd8, #a59bff));
    --_field: var(--prompt-box-field-background, light-dark(#ffffff, #1e1e23));
    --_border: var(--prompt-box-border-color, light-dark(#b8b8c2, #4a4a54));
    --_radius: var(--prompt-box-radius, 6px);
  }
  :host([hidden]) { display: none; }
  form { display: grid; gap: 0.5rem; margin: 0; }
  .row { display: flex; gap: 0.5rem; align-items: stretch; }
  label { display: grid; gap: 0.2rem; font-size: 0.9em; }
  textarea, input, select {
    font: inherit; color: inherit; background: var(--_field); border: 1px solid var(--_border);
    border-radius: var(--_radius); padding: 0.4rem 0.5rem; min-width: 0; box-sizing: border-box;
  }
  textarea { resize: vertical; width: 100%; min-height: 2.6rem; }
  .prompt { flex: 1; }
  button {
    font: inherit; border-radius: var(--_radius); padding: 0.4rem 0.9rem; cursor: pointer; min-height: 2.2rem;
    border: 1px solid var(--_border); background: var(--prompt-box-button-background, light-dark(#f2f2f6, #2a2a31)); color: inherit;
  }
  button.primary {
    background: var(--_accent); border-color: var(--_accent); color: var(--prompt-box-accent-text, light-dark(#fff, #111));
  }
  button:disabled { opacity: 0.5; cursor: default; }
  :is(textarea, input, select, button, summary):focus-visible { outline: 2px solid var(--_accent); outline-offset: 1px; }
  details { border-top: 1px solid var(--_border); padding-top: 0.25rem; }
  summary { cursor: pointer; padding-block: 0.25rem; width: fit-content; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(8rem, 1fr)); gap: 0.5rem; margin-top: 0.5rem; }
  .seed { display: flex; gap: 0.25rem; }
  .seed input { flex: 1; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  @media (max-width: 30rem) {
    .row { flex-direction: column; }
  }
`;
