/**
 * The canvas's keyboard shortcuts and image drop/paste, as a controller that listens on the host while it is
 * connected. Shortcuts skip key presses meant for text fields and range inputs inside the element.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MaskTool } from './mask-painter.ts';

/** What the shortcuts change and call. */
export interface CanvasInputHost extends ReactiveControllerHost, HTMLElement {
  tool: MaskTool;
  brushSize: number;
  readonly busy: boolean;
  cancel(): void;
}

/** The user's undo/redo (announced, unlike the methods) and what to do with a dropped or pasted image. */
export interface CanvasInputActions {
  readonly undo: () => void;
  readonly redo: () => void;
  readonly imageFile: (file: File) => void;
}

const TYPING = ['input', 'textarea', 'select'];

/** Keyboard shortcuts, drop and paste for `<diffusion-canvas>`. */
export class CanvasInputController implements ReactiveController {
  readonly #host: CanvasInputHost;
  readonly #actions: CanvasInputActions;

  constructor(host: CanvasInputHost, actions: CanvasInputActions) {
    this.#host = host;
    this.#actions = actions;
    host.addController(this);
  }

  /** Starts listening. */
  hostConnected(): void {
    this.#host.addEventListener('keydown', this.#onKey);
    this.#host.addEventListener('paste', this.#onPaste);
    this.#host.addEventListener('dragover', this.#onDragOver);
    this.#host.addEventListener('drop', this.#onDrop);
  }

  /** Stops listening. */
  hostDisconnected(): void {
    this.#host.removeEventListener('keydown', this.#onKey);
    this.#host.removeEventListener('paste', this.#onPaste);
    this.#host.removeEventListener('dragover', this.#onDragOver);
    this.#host.removeEventListener('drop', this.#onDrop);
  }

  readonly #onKey = (event: KeyboardEvent): void => {
    if (TYPING.includes((event.composedPath()[0] as Element)?.localName)) return;
    const host = this.#host;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (event.key === '[') host.brushSize = Math.max(1, Math.round(host.brushSize / 1.25));
    else if (event.key === ']') host.brushSize = Math.min(1024, Math.round(host.brushSize * 1.25) + 1);
    else if (mod && key === 'z' && event.shiftKey) this.#actions.redo();
    else if (mod && key === 'z') this.#actions.undo();
    else if (mod && key === 'y') this.#actions.redo();
    else if (!mod && key === 'b') host.tool = 'brush';
    else if (!mod && key === 'e') host.tool = 'eraser';
    else if (event.key === 'Escape' && host.busy) host.cancel();
    else return;
    event.preventDefault();
  };

  readonly #onPaste = (event: ClipboardEvent): void => {
    this.#take(event, event.clipboardData?.files);
  };

  readonly #onDragOver = (event: DragEvent): void => {
    if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
  };

  readonly #onDrop = (event: DragEvent): void => {
    this.#take(event, event.dataTransfer?.files);
  };

  #take(event: Event, files: FileList | undefined): void {
    const file = [...(files ?? [])].find((f) => f.type.startsWith('image/'));
    if (!file) return;
    event.preventDefault();
    this.#actions.imageFile(file);
  }
}
