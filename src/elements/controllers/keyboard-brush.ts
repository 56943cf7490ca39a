/**
 * Mask painting without a pointer: while the canvas stage has focus, the arrow keys move a visible brush cursor
 * (by half the brush size, at least one image pixel), Space paints one dab under it, and Shift + arrow keys
 * paint while moving; the Shift stroke ends when Shift is released or the stage loses focus. Each dab or Shift
 * stroke is one undo step and one `diffusion-mask-change`, like a pointer stroke. Positions are image pixels.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MaskLayer } from '../lib/mask-layer.ts';
import type { MaskPainterOptions } from './mask-painter.ts';

/** What the keyboard brush needs: the pointer painter's options without its target element. */
export type KeyboardBrushOptions = Omit<MaskPainterOptions, 'target'>;

const MOVES: Record<string, readonly [number, number]> = {
  ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
};

/** A reactive controller for the keyboard brush; bind `keydown`, `keyup` and `blur` on the stage. */
export class KeyboardBrush implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #options: KeyboardBrushOptions;
  #at: { x: number; y: number } | undefined;
  #atLayer: MaskLayer | undefined;
  #stroking = false;

  constructor(host: ReactiveControllerHost, options: KeyboardBrushOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Nothing to set up: listeners are bound in the template. */
  hostConnected(): void {}

  /** A Shift stroke in progress ends if the element leaves the document. */
  hostDisconnected(): void {
    this.#end();
  }

  /** The cursor in image pixels (the layer's centre until moved), or undefined when there is nothing to paint on. */
  get cursor(): { x: number; y: number } | undefined {
    const layer = this.#options.layer();
    if (!layer) return undefined;
    // A new image brings a new layer: start again from its centre.
    if (!this.#at || this.#atLayer !== layer) {
      this.#at = { x: layer.width / 2, y: layer.height / 2 };
      this.#atLayer = layer;
    }
    return this.#at;
  }

  /** `keydown` on the stage: arrows move, Shift + arrows paint while moving, Space paints a dab. */
  readonly keydown = (event: KeyboardEvent): void => {
    const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
    const move = plain ? MOVES[event.key] : undefined;
    const dab = plain && event.key === ' ';
    // Any other key (Ctrl+Z included) ends a Shift stroke first; Shift's own auto-repeat and Shift+Space do not.
    if (event.key !== 'Shift' && !((move || dab) && event.shiftKey)) this.#end();
    if ((!move && !dab) || !this.#options.enabled()) return;
    const layer = this.#options.layer();
    const from = this.cursor;
    if (!layer || !from) return;
    event.preventDefault();
    if (dab) {
      if (!this.#stroking) this.#options.onStrokeStart();
      this.#paint(layer, from, from);
      if (!this.#stroking) this.#options.onStrokeEnd();
      return;
    }
    if (!move) return;
    const step = Math.max(1, Math.round(this.#options.brushSize() / 2));
    const to = {
      x: Math.min(layer.width, Math.max(0, from.x + move[0] * step)),
      y: Math.min(layer.height, Math.max(0, from.y + move[1] * step)),
    };
    this.#at = to;
    if (event.shiftKey) {
      if (!this.#stroking) {
        this.#stroking = true;
        this.#options.onStrokeStart();
      }
      this.#paint(layer, from, to);
    }
    this.#host.requestUpdate();
  };

  /** `keyup` on the stage: releasing Shift ends a Shift stroke. */
  readonly keyup = (event: KeyboardEvent): void => {
    if (event.key === 'Shift') this.#end();
  };

  /** `blur` of the stage ends a Shift stroke. */
  readonly blur = (): void => {
    this.#end();
  };

  #paint(layer: MaskLayer, from: { x: number; y: number }, to: { x: number; y: number }): void {
    layer.stroke(from.x, from.y, to.x, to.y, this.#options.brushSize() / 2, this.#options.tool() === 'eraser' ? 0 : 1);
    this.#options.onPaint();
  }

  #end(): void {
    if (!this.#stroking) return;
    this.#stroking = false;
    this.#options.onStrokeEnd();
  }
}
