/**
 * Mask painting with Pointer Events (mouse, touch and pen alike). Pointer positions are mapped from CSS pixels
 * of the overlay's box to image pixels, so neither the element's CSS size nor the device pixel ratio changes
 * which image pixels a stroke covers. A pen's pressure scales the brush (full pressure = `brushSize`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MaskLayer } from '../lib/mask-layer.ts';

/** Which way a stroke changes the mask. */
export type MaskTool = 'brush' | 'eraser';

/** What the painter needs from its element. */
export interface MaskPainterOptions {
  /** The element whose box covers the image exactly (the overlay canvas). */
  readonly target: () => Element | null | undefined;
  readonly layer: () => MaskLayer | undefined;
  readonly tool: () => MaskTool;
  /** Brush diameter in image pixels. */
  readonly brushSize: () => number;
  /** Whether painting is allowed now (not while generating). */
  readonly enabled: () => boolean;
  /** Before the first change of a stroke, to take an undo snapshot. */
  readonly onStrokeStart: () => void;
  /** After every change, to redraw the overlay. */
  readonly onPaint: () => void;
  /** When the stroke ends (pointerup or pointercancel). */
  readonly onStrokeEnd: () => void;
}

/** A reactive controller turning pointer events into mask strokes. Bind its handlers in the template. */
export class MaskPainter implements ReactiveController {
  readonly #options: MaskPainterOptions;
  #pointerId: number | undefined;
  #last: { x: number; y: number } | undefined;

  constructor(host: ReactiveControllerHost, options: MaskPainterOptions) {
    this.#options = options;
    host.addController(this);
  }

  /** Nothing to set up: listeners are bound in the template. */
  hostConnected(): void {}

  /** A stroke in progress ends if the element leaves the document. */
  hostDisconnected(): void {
    this.#pointerId = undefined;
    this.#last = undefined;
  }

  /** `pointerdown`: starts a stroke with a dot. */
  readonly down = (event: PointerEvent): void => {
    if (this.#pointerId !== undefined || !this.#options.enabled() || event.button > 0) return;
    const layer = this.#options.layer();
    const point = this.#toImage(event, layer);
    if (!layer || !point) return;
    event.preventDefault();
    this.#pointerId = event.pointerId;
    try {
      (event.currentTarget as Element | null)?.setPointerCapture(event.pointerId);
    } catch {
      // Synthesised events have no active pointer to capture; the stroke still works without capture.
    }
    this.#options.onStrokeStart();
    this.#paint(layer, point, point, event);
  };

  /** `pointermove`: extends the stroke through every coalesced sample, so fast strokes have no gaps. */
  readonly move = (event: PointerEvent): void => {
    if (event.pointerId !== this.#pointerId) return;
    const layer = this.#options.layer();
    if (!layer || !this.#last) return;
    const samples = typeof event.getCoalescedEvents === 'function' && event.isTrusted ? event.getCoalescedEvents() : [];
    for (const sample of samples.length ? samples : [event]) {
      const point = this.#toImage(sample, layer);
      if (point) this.#paint(layer, this.#last, point, sample);
    }
  };

  /** `pointerup` / `pointercancel`: ends the stroke. */
  readonly up = (event: PointerEvent): void => {
    if (event.pointerId !== this.#pointerId) return;
    this.#pointerId = undefined;
    this.#last = undefined;
    this.#options.onStrokeEnd();
  };

  #paint(layer: MaskLayer, from: { x: number; y: number }, to: { x: number; y: number }, event: PointerEvent): void {
    const pressure = event.pointerType === 'pen' ? Math.max(0.1, event.pressure) : 1;
    const radius = (this.#options.brushSize() / 2) * pressure;
    layer.stroke(from.x, from.y, to.x, to.y, radius, this.#options.tool() === 'eraser' ? 0 : 1);
    this.#last = to;
    this.#options.onPaint();
  }

  /** CSS pixels relative to the target's box, scaled to image pixels. */
  #toImage(event: PointerEvent, layer: MaskLayer | undefined): { x: number; y: number } | undefined {
    const target = this.#options.target();
    if (!target || !layer) return undefined;
    const box = target.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return undefined;
    return {
      x: ((event.clientX - box.left) / box.width) * layer.width,
      y: ((event.clientY - box.top) / box.height) * layer.height,
    };
  }
}
