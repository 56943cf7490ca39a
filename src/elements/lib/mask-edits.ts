/**
 * The mask's edit history for `<diffusion-canvas>`: clear, undo and redo as the element's methods (silent for the
 * page that calls them) and as the user's actions (announced, with `diffusion-mask-change`).
 */
import { DiffusionMaskChangeEvent } from '../events.ts';
import type { MaskLayer } from './mask-layer.ts';
import { UndoHistory } from './undo-history.ts';

/** What the edits act on and how the element shows them. */
export interface MaskEditsView {
  readonly host: EventTarget & { requestUpdate(): void };
  readonly layer: () => MaskLayer | undefined;
  readonly redraw: () => void;
  readonly announce: (status: string) => void;
}

/** Undoable edits of the element's mask layer. */
export class MaskEdits {
  readonly #history = new UndoHistory<Uint8Array>();
  readonly #view: MaskEditsView;

  constructor(view: MaskEditsView) {
    this.#view = view;
  }

  /** True when there is an edit to undo. */
  get canUndo(): boolean {
    return this.#history.canUndo;
  }

  /** True when there is an undone edit to redo. */
  get canRedo(): boolean {
    return this.#history.canRedo;
  }

  /** Forgets the history (a new layer). */
  reset(): void {
    this.#history.reset();
  }

  /** Remembers the layer before a stroke, so the stroke can be undone. */
  beforeStroke(): void {
    this.#history.push(this.#view.layer()!.snapshot());
  }

  /** Erases the whole mask (undoable). */
  clear(): void {
    const layer = this.#view.layer();
    if (!layer || layer.count() === 0) return;
    this.#history.push(layer.snapshot());
    layer.clear();
    this.#view.redraw();
    this.#view.host.requestUpdate();
  }

  /** Undoes the last stroke or clear. */
  undo(): void {
    const layer = this.#view.layer();
    const previous = layer && this.#history.undo(layer.snapshot());
    if (previous) this.#restore(layer, previous);
  }

  /** Redoes what `undo` undid. */
  redo(): void {
    const layer = this.#view.layer();
    const next = layer && this.#history.redo(layer.snapshot());
    if (next) this.#restore(layer, next);
  }

  /** Runs an edit on the user's behalf: the methods are silent for the owner, the user's actions are announced. */
  byUser(action: () => void): void {
    const before = this.#view.layer()?.snapshot();
    action();
    const after = this.#view.layer()?.snapshot();
    if (before && after && before.some((v, i) => v !== after[i])) this.changed();
  }

  /** Announces a change the user made and fires `diffusion-mask-change`. */
  changed(): void {
    this.#view.host.requestUpdate();
    const layer = this.#view.layer()!;
    this.#view.announce(layer.count() ? `Mask: ${layer.count()} pixels` : 'Mask cleared');
    this.#view.host.dispatchEvent(new DiffusionMaskChangeEvent({ painted: layer.count(), width: layer.width, height: layer.height }));
  }

  #restore(layer: MaskLayer, snapshot: Uint8Array): void {
    layer.restore(snapshot);
    this.#view.redraw();
    this.#view.host.requestUpdate();
  }
}
