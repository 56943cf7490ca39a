/** `<diffusion-canvas>`: the element class (its tag is registered in diffusion-canvas.ts). */
import { LitElement, html, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { outpaint as growImage, type Device, type Diffusion, type GenerateInput, type GenerateResult, type OutpaintMargins, type Progress } from '../../sdk/index.ts';
import { keepValid, numberAttribute, rules } from '../attribute-checks.ts';
import { CanvasInputController } from '../controllers/canvas-input.ts';
import { GenerationController } from '../controllers/generation.ts';
import { decodeImage, encodeImage, hasTransparency, opaque, type LoadableImage } from '../controllers/image-io.ts';
import { MaskLayer } from '../controllers/mask-layer.ts';
import { KeyboardBrush, type KeyboardBrushOptions } from '../controllers/keyboard-brush.ts';
import { MaskPainter, type MaskTool } from '../controllers/mask-painter.ts';
import { ProgressTracker } from '../controllers/progress-summary.ts';
import { UndoHistory } from '../controllers/undo-history.ts';
import { DiffusionCompleteEvent, DiffusionErrorEvent, DiffusionMaskChangeEvent, DiffusionProgressEvent, type GenerationMode } from '../events.ts';
import { diffusionCanvasStyles } from './diffusion-canvas.styles.ts';
import { buildRequest } from './build-request.ts';
import { renderBrushCursor, renderProgress, renderToolbar, parseRgb } from './diffusion-canvas.parts.ts';

/** Cancellation rejects with a DOMException named AbortError (from any realm). */
const isAbortError = (error: unknown) => (error as { name?: unknown } | null)?.name === 'AbortError';

const checked = {
  width: rules.size, height: rules.size, steps: rules.steps, guidanceScale: rules.guidanceScale, seed: rules.seed,
  strength: rules.strength, tool: rules.tool, brushSize: rules.brushSize, device: rules.device,
};

/**
 * The drop-in image generator and mask painter (`<diffusion-canvas>`, registered by `import 'web-diffusion/elements'`).
 *
 * `<diffusion-canvas>`: shows generated images, runs text-to-image, image-to-image and inpainting, and lets people
 * paint the inpainting mask. The model loads on the first `generate()`.
 *
 * The pipeline follows from the canvas (see build-request.ts): a painted mask means inpainting, an image the
 * page or user supplied (property, `loadImage`, drop, paste) means image-to-image, otherwise text-to-image.
 *
 * Keys (when the element has focus): `[` / `]` brush size, `b` brush, `e` eraser, Ctrl/⌘+Z undo,
 * Ctrl/⌘+Shift+Z or Ctrl+Y redo, Escape cancels a run. Painting by keyboard, when the image (the `stage`) has
 * focus: the arrow keys move a brush cursor by half the brush size, Space paints (or erases) one dab under it,
 * Shift + arrow keys paint along the way (one stroke until Shift is released).
 *
 * @event diffusion-progress - Every progress report; `detail` is the SDK's `Progress`.
 * @event diffusion-complete - An image is shown; `detail` is `{ result, request, mode }`.
 * @event diffusion-error - Loading or generating failed; `detail` is `{ error }` (a `DiffusionError` with `code`).
 * @event diffusion-mask-change - A stroke ended, or the user undid, redid or cleared; `detail` is `{ painted, width, height }`.
 *
 * @slot progress - Replaces the default progress bar and step counter.
 * @slot placeholder - Shown before the first image.
 *
 * @csspart base - The wrapper of everything.
 * @csspart stage - The box holding the image and the mask overlay; focusable.
 * @csspart image - The canvas with the image.
 * @csspart mask - The canvas with the mask overlay.
 * @csspart brush-cursor - The keyboard brush's outline, shown while the stage has keyboard focus.
 * @csspart toolbar - The mask tools and the cancel button.
 * @csspart progress - The default progress content.
 * @csspart error - The error message.
 * @csspart status - The polite live region (visually hidden).
 *
 * @cssproperty --diffusion-canvas-mask-color - Overlay colour of painted pixels (default #ff2d55).
 * @cssproperty --diffusion-canvas-mask-opacity - Overlay opacity (default 0.5).
 * @cssproperty --diffusion-canvas-accent - Pressed buttons, focus rings and the progress bar.
 * @cssproperty --diffusion-canvas-accent-text - Text on the accent colour.
 * @cssproperty --diffusion-canvas-background - Behind the image.
 * @cssproperty --diffusion-canvas-surface - Button background.
 * @cssproperty --diffusion-canvas-text - Text colour.
 * @cssproperty --diffusion-canvas-placeholder-color - Placeholder text colour.
 * @cssproperty --diffusion-canvas-error-background - Error box background.
 * @cssproperty --diffusion-canvas-error-color - Error box text colour.
 * @cssproperty --diffusion-canvas-radius - Corner radius.
 * @cssproperty --diffusion-canvas-max-width - Largest width of the element.
 * @cssproperty --diffusion-canvas-font - Font shorthand.
 */
export class DiffusionCanvasElement extends LitElement {
  static override styles = diffusionCanvasStyles;

  /** A preset name (`sd-turbo`), or a folder URL of a diffusers-ONNX model. */
  @property() model?: string;
  /** Where to run: `auto` (WebGPU when available), `webgpu` or `wasm`. */
  @property() device: Device = 'auto';
  /** The prompt used when `generate()` is called without one. */
  @property() prompt?: string;
  /** The negative prompt used when `generate()` is called without one. */
  @property({ attribute: 'negative-prompt' }) negativePrompt?: string;
  /** Text-to-image width in pixels (multiple of 8); the model's default when unset. */
  @property({ converter: numberAttribute }) width?: number;
  /** Text-to-image height in pixels (multiple of 8); the model's default when unset. */
  @property({ converter: numberAttribute }) height?: number;
  /** Denoising steps; the model's default when unset. */
  @property({ converter: numberAttribute }) steps?: number;
  /** Classifier-free guidance scale; the model's default when unset. */
  @property({ attribute: 'guidance-scale', converter: numberAttribute }) guidanceScale?: number;
  /** Sampler name (`Euler a`, `DPM++ 2M Karras`, ...); the model's default when unset. */
  @property() scheduler?: string;
  /** Seed for repeatable images; random when unset. */
  @property({ converter: numberAttribute }) seed?: number;
  /** Image-to-image strength, 0..1 (inpainting defaults to 1). */
  @property({ converter: numberAttribute }) strength?: number;
  /** Mask tool: `brush` paints the area to repaint, `eraser` removes it. */
  @property() tool: MaskTool = 'brush';
  /** Brush diameter in image pixels (a pen's pressure scales it). */
  @property({ attribute: 'brush-size', converter: numberAttribute }) brushSize = 32;
  /** A shared SDK instance (property only); the element then neither loads nor disposes a model. */
  @property({ attribute: false }) diffusion?: Diffusion;

  @state() private status = '';
  @state() private failure: (Error & { code?: string }) | undefined;
  @query('canvas[part="image"]') private imageCanvas!: HTMLCanvasElement;
  @query('canvas[part="mask"]') private maskCanvas!: HTMLCanvasElement;

  readonly #internals = this.attachInternals();
  readonly #tracker = new ProgressTracker();
  readonly #history = new UndoHistory<Uint8Array>();
  readonly #generation = new GenerationController(this, (progress) => this.#onProgress(progress));
  #image: ImageData | undefined;
  #imageIsInput = false;
  #layer: MaskLayer | undefined;
  #lastRequest: { prompt?: string; negativePrompt?: string } = {};
  /** What pointer and keyboard strokes share: the layer, the tool, undo snapshots, redraws and the stroke-end event. */
  readonly #strokes: KeyboardBrushOptions = {
    layer: () => this.#layer,
    tool: () => this.tool,
    brushSize: () => this.brushSize,
    enabled: () => this.#image !== undefined && !this.#generation.busy,
    onStrokeStart: () => this.#history.push(this.#layer!.snapshot()),
    onPaint: () => this.#drawMask(),
    onStrokeEnd: () => this.#maskChanged(),
  };
  readonly #painter = new MaskPainter(this, { ...this.#strokes, target: () => this.maskCanvas });
  readonly #keyboardBrush = new KeyboardBrush(this, this.#strokes);

  readonly #input = new CanvasInputController(this, {
    undo: () => this.#byUser(() => this.undo()),
    redo: () => this.#byUser(() => this.redo()),
    imageFile: (file) => void this.#startFromFile(file),
  });

  /** The image shown (property only). Setting it makes it the input of the next generation and clears the mask. */
  get image(): ImageData | undefined {
    return this.#image;
  }
  set image(value: ImageData | undefined) {
    this.#setImage(value, true);
  }

  /** True while loading or generating. */
  get busy(): boolean {
    return this.#generation.busy;
  }

  /** Generates with the element's settings, overridden by `request`; the pipeline follows from the canvas. */
  async generate(request: Partial<GenerateInput> = {}): Promise<GenerateResult> {
    const settings = {
      prompt: this.prompt ?? this.#lastRequest.prompt, negativePrompt: this.negativePrompt ?? this.#lastRequest.negativePrompt,
      width: this.width, height: this.height, steps: this.steps, guidanceScale: this.guidanceScale,
      scheduler: this.scheduler, seed: this.seed, strength: this.strength,
    };
    const layer = this.#layer;
    const mask = layer && layer.count() > 0 ? () => layer.toImageData() : undefined;
    const { input, mode } = buildRequest(settings, { image: this.#image, imageIsInput: this.#imageIsInput, mask }, request);
    // Remembered for runs the user starts by dropping or pasting an image; images are not kept alive here.
    if (request.prompt !== undefined) this.#lastRequest = { prompt: request.prompt, negativePrompt: request.negativePrompt };
    this.failure = undefined;
    this.#tracker.reset();
    this.status = 'Starting';
    try {
      const result = await this.#generation.generate({ model: this.model ?? '', device: this.device, shared: this.diffusion }, input);
      this.#setImage(result.image, false);
      await this.updateComplete;
      this.status = `Image ready (seed ${result.seed})`;
      this.dispatchEvent(new DiffusionCompleteEvent({ result, request: input, mode }));
      return result;
    } catch (error) {
      // A step preview may be on screen: put the image back.
      this.#drawImage();
      if (isAbortError(error)) {
        if (!this.#generation.busy) this.status = 'Cancelled';
      } else {
        this.failure = error as Error;
        this.status = `Error: ${(error as Error).message}`;
        this.dispatchEvent(new DiffusionErrorEvent(error as Error));
      }
      throw error;
    }
  }

  /** Cancels the run in progress; its `generate()` rejects with an AbortError. */
  cancel(): void {
    this.#generation.cancel();
  }

  /** Erases the whole mask (undoable). */
  clearMask(): void {
    if (!this.#layer || this.#layer.count() === 0) return;
    this.#history.push(this.#layer.snapshot());
    this.#layer.clear();
    this.#drawMask();
    this.requestUpdate();
  }

  /** Undoes the last stroke or clear. */
  undo(): void {
    const previous = this.#layer && this.#history.undo(this.#layer.snapshot());
    if (previous) this.#restoreMask(previous);
  }

  /** Redoes what `undo` undid. */
  redo(): void {
    const next = this.#layer && this.#history.redo(this.#layer.snapshot());
    if (next) this.#restoreMask(next);
  }

  /** The painted mask at image resolution (white = repaint), or undefined without an image. */
  get mask(): ImageData | undefined {
    return this.#layer?.toImageData();
  }

  /** The current image as a PNG (or `type`); rejects when there is none. */
  async toBlob(type?: string, quality?: number): Promise<Blob> {
    if (!this.#image) throw new Error('There is no image yet.');
    return encodeImage(this.#image, type, quality);
  }

  /** Shows an image as the input of the next generation; its transparent pixels become the mask. */
  async loadImage(source: LoadableImage): Promise<void> {
    const image = await decodeImage(source);
    const holes = hasTransparency(image) ? MaskLayer.fromTransparency(image) : undefined;
    this.#setImage(opaque(image), true);
    if (holes) {
      this.#layer = holes;
      this.#drawMask();
    }
  }

  /** Grows the image by the margins, fills the new area from the edges, and inpaints it. */
  async outpaint(margins: OutpaintMargins, request: Partial<GenerateInput> = {}): Promise<GenerateResult> {
    if (!this.#image) throw new Error('outpaint() needs an image; generate or load one first.');
    const grown = growImage(this.#image, margins, this.seed ?? 0);
    this.#setImage(grown.image, true);
    const width = grown.image.width - (grown.image.width % 8);
    const height = grown.image.height - (grown.image.height % 8);
    return this.generate({ width, height, ...request, image: grown.image, mask: grown.mask });
  }

  protected override willUpdate(changed: PropertyValues): void {
    keepValid(this, changed, checked, { tool: 'brush', brushSize: 32, device: 'auto' });
    if (changed.has('model') || changed.has('device')) this.failure = undefined;
  }

  protected override updated(): void {
    this.#internals.ariaBusy = String(this.busy);
    const states = this.#internals.states as Set<string> | undefined;
    const toggle = (name: string, on: boolean) => (on ? states?.add(name) : states?.delete(name));
    toggle('busy', this.busy);
    toggle('error', this.failure !== undefined);
    toggle('has-image', this.#image !== undefined);
  }

  protected override firstUpdated(): void {
    this.#drawImage();
    this.#drawMask();
  }

  override render(): TemplateResult {
    const [w, h] = this.#canvasSize();
    const summary = this.#tracker.summary;
    return html`
      <div class="base" part="base" aria-busy=${String(this.busy)}>
        <div class="stage" part="stage" tabindex="0" role="group" style="aspect-ratio: ${w} / ${h}"
          aria-label="Image. Paint the area to repaint with a pointer, or with the keys: arrows move the brush, Space paints, Shift and arrows paint while moving, [ and ] change the brush size."
          aria-describedby="status" @keydown=${this.#keyboardBrush.keydown} @keyup=${this.#keyboardBrush.keyup}
          @blur=${this.#keyboardBrush.blur}>
          <canvas part="image" width=${w} height=${h} aria-hidden="true"></canvas>
          <canvas part="mask" class="mask" width=${w} height=${h} aria-hidden="true"
            @pointerdown=${this.#painter.down} @pointermove=${this.#painter.move}
            @pointerup=${this.#painter.up} @pointercancel=${this.#painter.up}></canvas>
          ${renderBrushCursor(this.#image ? this.#keyboardBrush.cursor : undefined, this.brushSize, w, h)}
          <div class="placeholder" ?hidden=${this.#image !== undefined || this.busy}>
            <slot name="placeholder">Type a prompt and press Enter, or drop an image here.</slot>
          </div>
        </div>
        ${renderToolbar(this, {
          canUndo: this.#history.canUndo, canRedo: this.#history.canRedo, canClear: (this.#layer?.count() ?? 0) > 0,
          undo: () => this.#byUser(() => this.undo()), redo: () => this.#byUser(() => this.redo()),
          clear: () => this.#byUser(() => this.clearMask()),
        })}
        <slot name="progress">${renderProgress(summary, this.busy)}</slot>
        <div class="error" part="error" ?hidden=${!this.failure}>${this.failure?.message ?? ''}</div>
        <div id="status" class="visually-hidden" part="status" role="status" aria-live="polite">${this.status}</div>
      </div>`;
  }

  #canvasSize(): [number, number] {
    if (this.#image) return [this.#image.width, this.#image.height];
    return [this.width ?? 512, this.height ?? 512];
  }

  #setImage(image: ImageData | undefined, isInput: boolean): void {
    const sameSize = image && this.#layer && this.#layer.width === image.width && this.#layer.height === image.height;
    this.#image = image;
    this.#imageIsInput = isInput;
    if (isInput || !sameSize) {
      this.#layer = image ? new MaskLayer(image.width, image.height) : undefined;
      this.#history.reset();
    }
    this.requestUpdate();
    void this.updateComplete.then(() => {
      this.#drawImage();
      this.#drawMask();
    });
  }

  #drawImage(preview?: ImageData): void {
    const canvas = this.imageCanvas;
    const context = canvas?.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, canvas.width, canvas.height);
    const shown = preview ?? this.#image;
    if (!shown) return;
    if (shown.width === canvas.width && shown.height === canvas.height) return context.putImageData(shown, 0, 0);
    const scratch = new OffscreenCanvas(shown.width, shown.height);
    scratch.getContext('2d')!.putImageData(shown, 0, 0);
    context.drawImage(scratch, 0, 0, canvas.width, canvas.height);
  }

  #drawMask(): void {
    const canvas = this.maskCanvas;
    const context = canvas?.getContext('2d');
    if (!context) return;
    if (!this.#layer || this.#layer.width !== canvas.width || this.#layer.height !== canvas.height) {
      context.clearRect(0, 0, canvas.width, canvas.height);
      return;
    }
    context.putImageData(this.#layer.toOverlay(parseRgb(getComputedStyle(canvas).color)), 0, 0);
  }

  #restoreMask(snapshot: Uint8Array): void {
    this.#layer!.restore(snapshot);
    this.#drawMask();
    this.requestUpdate();
  }

  /** Runs a mask method on the user's behalf: the methods are silent for the owner, the user's actions are announced. */
  #byUser(action: () => void): void {
    const before = this.#layer?.snapshot();
    action();
    const after = this.#layer?.snapshot();
    if (before && after && before.some((v, i) => v !== after[i])) this.#maskChanged();
  }

  #maskChanged(): void {
    this.requestUpdate();
    const layer = this.#layer!;
    this.status = layer.count() ? `Mask: ${layer.count()} pixels` : 'Mask cleared';
    this.dispatchEvent(new DiffusionMaskChangeEvent({ painted: layer.count(), width: layer.width, height: layer.height }));
  }

  #onProgress(progress: Progress): void {
    const summary = this.#tracker.add(progress);
    if (summary.label) this.status = summary.label;
    const preview = (progress as { preview?: unknown }).preview;
    if (preview instanceof ImageData) this.#drawImage(preview);
    this.dispatchEvent(new DiffusionProgressEvent(progress));
  }

  async #startFromFile(file: Blob): Promise<void> {
    try {
      await this.loadImage(file);
      await this.generate();
    } catch (error) {
      // generate() has already shown and announced its own failures; a file that does not decode is shown here.
      if (!this.failure && !isAbortError(error)) {
        this.failure = error as Error;
        this.dispatchEvent(new DiffusionErrorEvent(error as Error));
      }
    }
  }
}
