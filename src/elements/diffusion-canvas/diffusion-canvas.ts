/** Registers `<diffusion-canvas>` (once, so two copies of the bundle on a page do not throw). */
import { DiffusionCanvasElement } from './diffusion-canvas.component.ts';

export { DiffusionCanvasElement };
if (!customElements.get('diffusion-canvas')) customElements.define('diffusion-canvas', DiffusionCanvasElement);

declare global {
  interface HTMLElementTagNameMap {
    'diffusion-canvas': DiffusionCanvasElement;
  }
}
