/**
 * Pieces of `<diffusion-canvas>`'s template: the stage (image, mask overlay, keyboard brush cursor, placeholder),
 * the mask toolbar and the default progress content.
 */
import { html, nothing } from 'lit';
import type { KeyboardBrush } from '../controllers/keyboard-brush.ts';
import type { MaskPainter } from '../controllers/mask-painter.ts';
import { formatBytes, type ProgressSummary } from '../lib/progress-summary.ts';
import type { MaskTool } from '../controllers/mask-painter.ts';

/** What the toolbar reads from the element. */
interface ToolbarHost {
  tool: MaskTool;
  brushSize: number;
  readonly busy: boolean;
  cancel(): void;
}

/** The toolbar's state and its user actions (which, unlike the element's methods, announce mask changes). */
interface ToolbarState {
  readonly hasImage: boolean;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly canClear: boolean;
  readonly undo: () => void;
  readonly redo: () => void;
  readonly clear: () => void;
}

/**
 * The brush, eraser, size, undo, redo and clear controls once there is an image to paint on, and the Cancel button
 * while a run is going (the canvas owns Cancel: it also serves runs started by a drop, a paste or page code, and a
 * connected `<prompt-box>` then shows none). All are native buttons and inputs.
 */
export function renderToolbar(host: ToolbarHost, state: ToolbarState) {
  return html`
    <div class="toolbar" part="toolbar" role="toolbar" aria-label="Mask tools" ?hidden=${!state.hasImage && !host.busy}>
      ${state.hasImage ? renderMaskTools(host, state) : nothing}
      <button type="button" ?hidden=${!host.busy} @click=${() => host.cancel()}>Cancel</button>
    </div>`;
}

function renderMaskTools(host: ToolbarHost, state: ToolbarState) {
  return html`
      <button type="button" aria-pressed=${String(host.tool === 'brush')} @click=${() => (host.tool = 'brush')}>Brush</button>
      <button type="button" aria-pressed=${String(host.tool === 'eraser')} @click=${() => (host.tool = 'eraser')}>Eraser</button>
      <label>Size
        <input type="range" min="1" max="256" .value=${String(host.brushSize)} aria-valuetext=${`${host.brushSize} pixels`}
          @input=${(e: Event) => (host.brushSize = Number((e.target as HTMLInputElement).value))}>
      </label>
      <button type="button" ?disabled=${!state.canUndo} @click=${state.undo}>Undo</button>
      <button type="button" ?disabled=${!state.canRedo} @click=${state.redo}>Redo</button>
      <button type="button" ?disabled=${!state.canClear} @click=${state.clear}>Clear mask</button>`;
}

/** What the stage shows and who handles its input. */
interface StageState {
  readonly width: number;
  readonly height: number;
  readonly hasImage: boolean;
  readonly busy: boolean;
  readonly brushSize: number;
  readonly painter: MaskPainter;
  readonly keyboardBrush: KeyboardBrush;
}

/** The focusable stage: the image canvas, the mask overlay that takes pointer strokes, and the placeholder. */
export function renderStage({ width: w, height: h, hasImage, busy, brushSize, painter, keyboardBrush }: StageState) {
  return html`
    <div class="stage" part="stage" tabindex="0" role="group" style="aspect-ratio: ${w} / ${h}"
      aria-label="Image. Paint the area to repaint with a pointer, or with the keys: arrows move the brush, Space paints, Shift and arrows paint while moving, [ and ] change the brush size."
      aria-describedby="status" @keydown=${keyboardBrush.keydown} @keyup=${keyboardBrush.keyup} @blur=${keyboardBrush.blur}>
      <canvas part="image" width=${w} height=${h} aria-hidden="true"></canvas>
      <canvas part="mask" class="mask" width=${w} height=${h} aria-hidden="true"
        @pointerdown=${painter.down} @pointermove=${painter.move} @pointerup=${painter.up} @pointercancel=${painter.up}></canvas>
      ${renderBrushCursor(hasImage ? keyboardBrush.cursor : undefined, brushSize, w, h)}
      <div class="placeholder" ?hidden=${hasImage || busy}>
        <slot name="placeholder">Type a prompt and press Enter, or drop an image here.</slot>
      </div>
    </div>`;
}

/** The default content of the `progress` slot: a bar with bytes while downloading, the step while denoising. */
export function renderProgress(summary: ProgressSummary, busy: boolean) {
  if (!busy) return nothing;
  const downloading = summary.phase === 'download';
  const value = downloading ? summary.loaded : summary.step;
  const max = downloading ? summary.total : summary.totalSteps || undefined;
  const text = downloading
    ? `${formatBytes(summary.loaded)}${summary.total ? ` of ${formatBytes(summary.total)}` : ''}`
    : summary.label || 'Starting';
  return html`
    <div class="progress" part="progress">
      ${max ? html`<progress max=${max} .value=${value} aria-label="Progress"></progress>` : html`<progress aria-label="Progress"></progress>`}
      <span>${text}</span>
    </div>`;
}

/** The keyboard brush's outline at `at` (image pixels), in percent of the stage so CSS size and DPR do not matter. */
function renderBrushCursor(at: { x: number; y: number } | undefined, size: number, width: number, height: number) {
  if (!at) return nothing;
  return html`<div class="brush-cursor" part="brush-cursor" aria-hidden="true"
    style="left: ${(at.x / width) * 100}%; top: ${(at.y / height) * 100}%; width: ${(size / width) * 100}%; height: ${(size / height) * 100}%"></div>`;
}
