/**
 * Draws `<diffusion-canvas>`'s two layers: the image (or a step preview, scaled to the canvas) and the mask overlay
 * in the colour CSS gives it. Redraws asked for while the element renders happen once it has updated, when the
 * canvases have their new size.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MaskLayer } from '../lib/mask-layer.ts';

/** Where the renderer finds what to draw and what to draw on. */
export interface CanvasRendererSource {
  readonly imageCanvas: () => HTMLCanvasElement | undefined;
  readonly maskCanvas: () => HTMLCanvasElement | undefined;
  readonly image: () => ImageData | undefined;
  readonly layer: () => MaskLayer | undefined;
}

/** The drawing half of the canvas element. */
export class CanvasRenderer implements ReactiveController {
  readonly #source: CanvasRendererSource;
  // The first update draws both layers, as the canvases only exist from then on.
  #redrawPending = true;

  constructor(host: ReactiveControllerHost, source: CanvasRendererSource) {
    this.#source = source;
    host.addController(this);
  }

  /** Draws both layers after the host's next update. */
  redrawAfterUpdate(): void {
    this.#redrawPending = true;
  }

  /** Runs the redraw asked for by {@link redrawAfterUpdate}. */
  hostUpdated(): void {
    if (!this.#redrawPending) return;
    this.#redrawPending = false;
    this.drawImage();
    this.drawMask();
  }

  /** Draws `preview` (a step's latent preview) or else the element's image, scaled to the image canvas. */
  drawImage(preview?: ImageData): void {
    const canvas = this.#source.imageCanvas();
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    context.clearRect(0, 0, canvas.width, canvas.height);
    const shown = preview ?? this.#source.image();
    if (!shown) return;
    if (shown.width === canvas.width && shown.height === canvas.height) return context.putImageData(shown, 0, 0);
    const scratch = new OffscreenCanvas(shown.width, shown.height);
    scratch.getContext('2d')!.putImageData(shown, 0, 0);
    context.drawImage(scratch, 0, 0, canvas.width, canvas.height);
  }

  /** Draws the mask overlay; clears it when there is no mask of the canvas's size. */
  drawMask(): void {
    const canvas = this.#source.maskCanvas();
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const layer = this.#source.layer();
    if (!layer || layer.width !== canvas.width || layer.height !== canvas.height) {
      context.clearRect(0, 0, canvas.width, canvas.height);
      return;
    }
    context.putImageData(layer.toOverlay(parseRgb(getComputedStyle(canvas).color)), 0, 0);
  }
}

/** Parses a computed `rgb(r, g, b)` / `rgba(...)` colour; falls back to the default overlay red. */
export function parseRgb(color: string): readonly [number, number, number] {
  const parts = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(color);
  return parts ? [Number(parts[1]), Number(parts[2]), Number(parts[3])] : [255, 45, 85];
}
