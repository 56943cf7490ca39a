/** Pieces of `<diffusion-canvas>`'s template: the mask toolbar, the keyboard brush cursor and the default progress content. */
import { html, nothing } from 'lit';
import { formatBytes, type ProgressSummary } from '../controllers/progress-summary.ts';
import type { MaskTool } from '../controllers/mask-painter.ts';
import type { Rgb } from '../controllers/mask-layer.ts';

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
export function renderBrushCursor(at: { x: number; y: number } | undefined, size: number, width: number, height: number) {
  if (!at) return nothing;
  return html`<div class="brush-cursor" part="brush-cursor" aria-hidden="true"
    style="left: ${(at.x / width) * 100}%; top: ${(at.y / height) * 100}%; width: ${(size / width) * 100}%; height: ${(size / height) * 100}%"></div>`;
}

/** Parses a computed `rgb(r, g, b)` / `rgba(...)` colour; falls back to the default overlay red. */
export function parseRgb(color: string): Rgb {
  const parts = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(color);
  return parts ? [Number(parts[1]), Number(parts[2]), Number(parts[3])] : [255, 45, 85];
}
