/** `<prompt-box>`'s template: labelled native fields, so every control works with a keyboard and a screen reader. */
import { html } from 'lit';
import { live } from 'lit/directives/live.js';

/** The settable fields, by property name. */
export type FieldName = 'prompt' | 'negativePrompt' | 'steps' | 'guidanceScale' | 'width' | 'height' | 'seed' | 'scheduler';

/** The values the template shows. */
interface PromptBoxView {
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly steps?: number;
  readonly guidanceScale?: number;
  readonly width?: number;
  readonly height?: number;
  readonly seed?: number;
  readonly scheduler: string;
  readonly samplers: readonly string[];
  readonly placeholder: string;
  readonly disabled: boolean;
}

/** State and callbacks owned by the element. */
interface PromptBoxHandlers {
  readonly busy: boolean;
  readonly status: string;
  readonly canCancel: boolean;
  readonly onField: (name: FieldName, raw: string) => void;
  readonly onChange: () => void;
  readonly onKeydown: (event: KeyboardEvent) => void;
  readonly onSubmit: () => void;
  readonly onCancel: () => void;
  readonly onRandomize: () => void;
}

const text = (value: number | undefined) => (value === undefined || value === null ? '' : String(value));

type FieldHandler = (name: FieldName) => (event: Event) => void;
type NumberFieldName = 'steps' | 'guidanceScale' | 'width' | 'height';

/** A number field that shows "default" when unset. */
function numberField(view: PromptBoxView, h: PromptBoxHandlers, field: FieldHandler, name: NumberFieldName, label: string, attrs: { min: number; max: number; step: number }) {
  return html`
    <label>${label}
      <input part="field" type="number" inputmode="numeric" min=${attrs.min} max=${attrs.max} step=${attrs.step}
        placeholder="default" .value=${live(text(view[name]))} ?disabled=${view.disabled}
        @input=${field(name)} @change=${h.onChange}>
    </label>`;
}

/** The collapsed settings: negative prompt, steps, guidance, size, seed and sampler. */
function renderSettings(view: PromptBoxView, h: PromptBoxHandlers, field: FieldHandler) {
  const number = (name: NumberFieldName, label: string, attrs: { min: number; max: number; step: number }) => numberField(view, h, field, name, label, attrs);
  return html`
      <details part="settings">
        <summary>Settings</summary>
        <label>Negative prompt
          <textarea part="negative-prompt" rows="1" .value=${live(view.negativePrompt)} ?disabled=${view.disabled}
            @input=${field('negativePrompt')} @change=${h.onChange} @keydown=${h.onKeydown}></textarea>
        </label>
        <div class="grid">
          ${number('steps', 'Steps', { min: 1, max: 1000, step: 1 })}
          ${number('guidanceScale', 'Guidance scale', { min: 0, max: 50, step: 0.5 })}
          ${number('width', 'Width', { min: 64, max: 2048, step: 8 })}
          ${number('height', 'Height', { min: 64, max: 2048, step: 8 })}
          <label>Seed
            <span class="seed">
              <input part="field" type="number" inputmode="numeric" min="0" max="4294967295" step="1" placeholder="random"
                .value=${live(text(view.seed))} ?disabled=${view.disabled}
                @input=${field('seed')} @change=${h.onChange}>
              <button part="randomize" type="button" aria-label="Random seed" title="Random seed" ?disabled=${view.disabled}
                @click=${h.onRandomize}>🎲</button>
            </span>
          </label>
          <label>Sampler
            <select part="field" ?disabled=${view.disabled} @input=${field('scheduler')} @change=${h.onChange}>
              <option value="" ?selected=${view.scheduler === ''}>Model default</option>
              ${view.samplers.map((name) => html`<option value=${name} ?selected=${view.scheduler === name}>${name}</option>`)}
            </select>
          </label>
        </div>
      </details>`;
}

/** The whole shadow content of `<prompt-box>`. */
export function renderPromptBox(view: PromptBoxView, h: PromptBoxHandlers) {
  const field: FieldHandler = (name) => (event) => h.onField(name, (event.target as HTMLInputElement).value);
  return html`
    <form part="form" aria-busy=${String(h.busy)} @submit=${(e: Event) => { e.preventDefault(); h.onSubmit(); }}>
      <div class="row">
        <label class="prompt">Prompt
          <textarea part="prompt" rows="2" .value=${live(view.prompt)} placeholder=${view.placeholder} ?disabled=${view.disabled}
            aria-describedby="hint" @input=${field('prompt')} @change=${h.onChange} @keydown=${h.onKeydown}></textarea>
        </label>
        <button part="submit" class="primary" type="submit" ?disabled=${view.disabled}>Generate</button>
        <button part="cancel" type="button" ?hidden=${!h.canCancel} @click=${h.onCancel}>Cancel</button>
      </div>
      <span id="hint" class="visually-hidden">Enter generates; Shift+Enter starts a new line.</span>
      ${renderSettings(view, h, field)}
      <div class="visually-hidden" role="status" aria-live="polite">${h.status}</div>
    </form>`;
}
