/** Registers `<prompt-box>` (once, so two copies of the bundle on a page do not throw). */
import { PromptBoxElement } from './prompt-box.component.ts';

export { PromptBoxElement };
if (!customElements.get('prompt-box')) customElements.define('prompt-box', PromptBoxElement);

declare global {
  interface HTMLElementTagNameMap {
    'prompt-box': PromptBoxElement;
  }
}
