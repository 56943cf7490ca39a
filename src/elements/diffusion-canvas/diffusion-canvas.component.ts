/** `<diffusion-canvas>`: the element class (its tag is registered in diffusion-canvas.ts). */
import { LitElement, html, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import {
  DiffusionError, SIZE_LIMITS, isAbortError, outpaint as growImage, type ClipRanker, type Device, type Diffusion, type GenerateInput,
  type GenerateResult, type OutpaintMargins,
} from '../../sdk/index.ts';
import { keepValid, numberAttribute, rules } from '../attribute-checks.ts';
import { CanvasInputController } from '../controllers/canvas-input.ts';
import { CanvasRenderer } from '../controllers/canvas-renderer.ts';
import { GenerationController } from '../controllers/generation.ts';
import { decodeImage, encodeImage, hasTransparency, opaque, type LoadableImage } from '../lib/image-io.ts';
import { MaskLayer } from '../lib/mask-layer.ts';
import { KeyboardBrush, type KeyboardBrushOptions } from '../controllers/keyboard-brush.ts';
import { MaskPainter, type MaskTool } from '../controllers/mask-painter.ts';
import { MaskEdits } from '../lib/mask-edits.ts';
import { diffusionCanvasStyles } from './diffusion-canvas.styles.ts';
import { buildRequest, settingsOf } from './build-request.ts';
import { setStates } from '../lib/custom-states.ts';
import { renderProgress, renderStage, renderToolbar } from './diffusion-canvas.parts.ts';

/** The preset an element without a `model` loads: it ships with the package, so it needs no network. */
const DEFAULT_MODEL = 'shapes';

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
 * @event diffusion-complete - An image is shown; `detail` is `{ result, request, mode }`, plus `candidates` with `best-of`.
 * @event diffusion-error - Loading or generating failed; `detail` is `{ error }` (a `DiffusionError` with `code`).
 * @event diffusion-mask-change - A stroke ended, or the user undid, redid or cleared; `detail` is `{ painted, width, height }`.
 *
 * @cssstate busy - While loading or generating.
 * @cssstate error - While a failure is shown.
 * @cssstate has-image - Once there is an image (generated or given).
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

  /**
   * A preset name (`sd-turbo`, `sd-1.5`, ...), or a folder URL of a diffusers-ONNX model. Unset, the element uses
   * `shapes`: the small model that ships with the package and works offline (64x64 pictures of flat shapes).
   */
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
  /** Generate this many (seeds seed..seed+N-1), show the best by `clip`'s score to the prompt; all are in `candidates`. One CLIP vision run per image. */
  @property({ attribute: 'best-of', converter: numberAttribute }) bestOf = 1;
  /** The Clip (`createClip`) that scores `best-of` candidates (property only). */
  @property({ attribute: false }) clip?: ClipRanker;

  /** The last `best-of` run's results, best first (empty after a single-image run). */
  get candidates(): readonly GenerateResult[] {
    return this.#generation.candidates;
  }

  @state() private status = '';
  @query('canvas[part="image"]') private imageCanvas!: HTMLCanvasElement;
  @query('canvas[part="mask"]') private maskCanvas!: HTMLCanvasElement;

  readonly #internals = this.attachInternals();
  readonly #edits = new MaskEdits({
    host: this, layer: () => this.#layer, redraw: () => this.#renderer.drawMask(), announce: (status) => (this.status = status),
  });
  readonly #renderer = new CanvasRenderer(this, {
    imageCanvas: () => this.imageCanvas, maskCanvas: () => this.maskCanvas, image: () => this.#image, layer: () => this.#layer,
  });
  readonly #generation = new GenerationController(this, {
    announce: (status) => (this.status = status),
    preview: (image) => this.#renderer.drawImage(image),
    show: async (result) => {
      this.#setImage(result.image, false);
      await this.updateComplete;
    },
    restore: () => this.#renderer.drawImage(),
  });
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
    onStrokeStart: () => this.#edits.beforeStroke(),
    onPaint: () => this.#renderer.drawMask(),
    onStrokeEnd: () => this.#edits.changed(),
  };
  readonly #painter = new MaskPainter(this, { ...this.#strokes, target: () => this.maskCanvas });
  readonly #keyboardBrush = new KeyboardBrush(this, this.#strokes);

  readonly #input = new CanvasInputController(this, {
    undo: () => this.#edits.byUser(() => this.undo()),
    redo: () => this.#edits.byUser(() => this.redo()),
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
    const layer = this.#layer;
    const mask = layer && layer.count() > 0 ? () => layer.toImageData() : undefined;
    const input = buildRequest(settingsOf(this, this.#lastRequest), { image: this.#image, imageIsInput: this.#imageIsInput, mask }, request);
    // Remembered for runs the user starts by dropping or pasting an image; images are not kept alive here.
    if (request.prompt !== undefined) this.#lastRequest = { prompt: request.prompt, negativePrompt: request.negativePrompt };
    const choice = { model: this.model || DEFAULT_MODEL, device: this.device, shared: this.diffusion, bestOf: this.bestOf, clip: this.clip };
    return this.#generation.run(choice, input);
  }

  /** Cancels the run in progress; its `generate()` rejects with an AbortError. */
  cancel(): void {
    this.#generation.cancel();
  }

  /** Erases the whole mask (undoable). */
  clearMask(): void {
    this.#edits.clear();
  }

  /** Undoes the last stroke or clear. */
  undo(): void {
    this.#edits.undo();
  }

  /** Redoes what `undo` undid. */
  redo(): void {
    this.#edits.redo();
  }

  /**
   * The painted mask at image resolution (white = repaint), or undefined without an image. Read-only: every read
   * returns the same ImageData until the mask changes (a new object after each stroke, undo or clear), so reading it
   * costs no copy; copy it before changing its pixels, which would otherwise change what later reads see.
   */
  get mask(): ImageData | undefined {
    return this.#layer?.maskImage();
  }

  /** The current image as a PNG (or `type`); rejects when there is none. */
  async toBlob(type?: string, quality?: number): Promise<Blob> {
    if (!this.#image) throw new DiffusionError('invalid-image', 'There is no image yet.');
    return encodeImage(this.#image, type, quality);
  }

  /** Shows an image as the input of the next generation; its transparent pixels become the mask. */
  async loadImage(source: LoadableImage): Promise<void> {
    const image = await decodeImage(source);
    const holes = hasTransparency(image) ? MaskLayer.fromTransparency(image) : undefined;
    this.#setImage(opaque(image), true);
    if (holes) {
      this.#layer = holes;
      this.#renderer.drawMask();
    }
  }

  /** Grows the image by the margins, fills the new area from the edges, and inpaints it. */
  async outpaint(margins: OutpaintMargins, request: Partial<GenerateInput> = {}): Promise<GenerateResult> {
    if (!this.#image) throw new DiffusionError('invalid-image', 'outpaint() needs an image; generate or load one first.');
    const grown = growImage(this.#image, margins, this.seed ?? 0);
    this.#setImage(grown.image, true);
    // The grown image keeps every pixel; the run's size is it rounded down to what the model takes.
    const [width, height] = [grown.image.width, grown.image.height].map((n) => n - (n % SIZE_LIMITS.multiple));
    return this.generate({ width, height, ...request, image: grown.image, mask: grown.mask });
  }

  protected override willUpdate(changed: PropertyValues): void {
    keepValid(this, changed, checked, { tool: 'brush', brushSize: 32, device: 'auto' });
    if ((changed.has('model') || changed.has('device')) && this.#generation.failure) this.#generation.clearFailure();
  }

  protected override updated(): void {
    this.#internals.ariaBusy = String(this.busy);
    setStates(this.#internals, { busy: this.busy, error: this.#generation.failure !== undefined, 'has-image': this.#image !== undefined });
  }

  override render(): TemplateResult {
    const [w, h] = this.#image ? [this.#image.width, this.#image.height] : [this.width ?? 512, this.height ?? 512];
    const failure = this.#generation.failure;
    return html`
      <div class="base" part="base" aria-busy=${String(this.busy)}>
        ${renderStage({
          width: w, height: h, hasImage: this.#image !== undefined, busy: this.busy, brushSize: this.brushSize,
          painter: this.#painter, keyboardBrush: this.#keyboardBrush,
        })}
        ${renderToolbar(this, {
          hasImage: this.#image !== undefined,
          canUndo: this.#edits.canUndo, canRedo: this.#edits.canRedo, canClear: (this.#layer?.count() ?? 0) > 0,
          undo: () => this.#edits.byUser(() => this.undo()), redo: () => this.#edits.byUser(() => this.redo()),
          clear: () => this.#edits.byUser(() => this.clearMask()),
        })}
        <slot name="progress">${renderProgress(this.#generation.summary, this.busy)}</slot>
        <div class="error" part="error" ?hidden=${!failure}>${failure?.message ?? ''}</div>
        <div id="status" class="visually-hidden" part="status" role="status" aria-live="polite">${this.status}</div>
      </div>`;
  }

  #setImage(image: ImageData | undefined, isInput: boolean): void {
    const sameSize = image && this.#layer && this.#layer.width === image.width && this.#layer.height === image.height;
    this.#image = image;
    this.#imageIsInput = isInput;
    if (isInput || !sameSize) {
      this.#layer = image ? new MaskLayer(image.width, image.height) : undefined;
      this.#edits.reset();
    }
    this.#renderer.redrawAfterUpdate();
    this.requestUpdate();
  }

  async #startFromFile(file: Blob): Promise<void> {
    try {
      await this.loadImage(file);
      await this.generate();
    } catch (error) {
      // generate() has already shown and announced its own failures; a file that does not decode is shown here.
      if (!this.#generation.failure && !isAbortError(error)) this.#generation.fail(error as Error);
    }
  }
}
