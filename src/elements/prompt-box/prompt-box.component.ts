/** `<prompt-box>`: the element class (its tag is registered in prompt-box.ts). */
import { LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { isAbortError } from '../../sdk/index.ts';
import { keepValid, numberAttribute, rules } from '../attribute-checks.ts';
import { DiffusionSubmitEvent, type PromptValue } from '../events.ts';
import { renderPromptBox, type FieldName } from './prompt-box.parts.ts';
import { defaultSamplers } from './samplers.ts';
import { promptBoxStyles } from './prompt-box.styles.ts';

const checked = { steps: rules.steps, guidanceScale: rules.guidanceScale, width: rules.size, height: rules.size, seed: rules.seed };

/** What `for` must point at: anything with `generate` and `cancel`, normally a `<diffusion-canvas>`. */
interface GenerateTarget extends Element {
  generate(request: PromptValue): Promise<unknown>;
  cancel(): void;
}

/**
 * The prompt and settings form control (`<prompt-box>`, registered by `import 'web-diffusion/elements'`).
 *
 * `<prompt-box>`: the prompt and generation settings as one form control. Enter fires `diffusion-submit`
 * (Shift+Enter types a newline); with `for="<canvas id>"` it also calls that `<diffusion-canvas>`'s
 * `generate()` and shows its busy state (the canvas offers Cancel; a `for` target of another kind gets a Cancel
 * button here). It takes part in forms through `ElementInternals`:
 * its form value holds the entries `prompt`, `negative-prompt`, `steps`, `guidance-scale`, `width`, `height`,
 * `seed` and `scheduler` (empty settings are left out, so model defaults apply).
 *
 * @event input - Native, from the fields, on every edit.
 * @event change - Native, re-fired from the host when a field's value is committed.
 * @event diffusion-submit - Enter or the Generate button; `detail` is the request fields. Cancelable: prevent
 *   the default to stop the `for` canvas from generating.
 *
 * @csspart form - The grid of fields.
 * @csspart prompt - The prompt textarea.
 * @csspart negative-prompt - The negative prompt textarea.
 * @csspart settings - The disclosure with steps, guidance, size, seed and sampler.
 * @csspart field - Every settings input and the sampler select.
 * @csspart submit - The Generate button.
 * @csspart cancel - The Cancel button, shown while a `for` target that is not a `<diffusion-canvas>` works.
 * @csspart randomize - The button that picks a random seed.
 *
 * @cssproperty --prompt-box-accent - The Generate button and focus rings.
 * @cssproperty --prompt-box-accent-text - Text on the accent colour.
 * @cssproperty --prompt-box-text - Text colour.
 * @cssproperty --prompt-box-field-background - Inputs' background.
 * @cssproperty --prompt-box-border-color - Inputs' border.
 * @cssproperty --prompt-box-button-background - Secondary buttons' background.
 * @cssproperty --prompt-box-radius - Corner radius.
 * @cssproperty --prompt-box-font - Font shorthand.
 */
export class PromptBoxElement extends LitElement {
  static override styles = promptBoxStyles;
  /** Form association: the element is a form control. */
  static formAssociated = true;

  /** The id of the `<diffusion-canvas>` to drive; without it the element only fires events. */
  @property({ attribute: 'for' }) htmlFor?: string;
  /** The form control's name. Its value is a set of named entries (see the class description). */
  @property({ reflect: true }) name?: string;
  /** Disables every field. */
  @property({ type: Boolean, reflect: true }) disabled = false;
  /** Placeholder of the prompt field. */
  @property() placeholder = 'Describe an image';
  /** The prompt. */
  @property() prompt = '';
  /** The negative prompt. */
  @property({ attribute: 'negative-prompt' }) negativePrompt = '';
  /** Denoising steps; unset means the model's default. */
  @property({ converter: numberAttribute }) steps?: number;
  /** Guidance scale; unset means the model's default. */
  @property({ attribute: 'guidance-scale', converter: numberAttribute }) guidanceScale?: number;
  /** Width in pixels (multiple of 8). */
  @property({ converter: numberAttribute }) width?: number;
  /** Height in pixels (multiple of 8). */
  @property({ converter: numberAttribute }) height?: number;
  /** Seed; unset means a random seed per image. */
  @property({ converter: numberAttribute }) seed?: number;
  /** Sampler name; empty means the model's default. */
  @property() scheduler = '';
  /** The sampler names offered (property only). */
  @property({ attribute: false }) samplers: readonly string[] = defaultSamplers();

  @state() private busy = false;
  @state() private status = '';
  readonly #internals = this.attachInternals();
  #target: GenerateTarget | undefined;
  #defaults: Partial<Record<FieldName, unknown>> = {};

  override connectedCallback(): void {
    super.connectedCallback();
    // The state to go back to on form reset: whatever the markup said.
    this.#defaults = { prompt: this.prompt, negativePrompt: this.negativePrompt, steps: this.steps, guidanceScale: this.guidanceScale,
      width: this.width, height: this.height, seed: this.seed, scheduler: this.scheduler };
  }

  /** The request fields now: what `diffusion-submit` carries. */
  get value(): PromptValue {
    const value: Record<string, unknown> = { prompt: this.prompt };
    if (this.negativePrompt) value.negativePrompt = this.negativePrompt;
    for (const key of ['steps', 'guidanceScale', 'width', 'height', 'seed'] as const) if (this[key] !== undefined && this[key] !== null) value[key] = this[key];
    if (this.scheduler) value.scheduler = this.scheduler;
    return value as unknown as PromptValue;
  }

  /** The form this control belongs to. */
  get form(): HTMLFormElement | null {
    return this.#internals.form;
  }

  /** Fires `diffusion-submit` and, unless prevented, starts the `for` canvas. */
  submit(): void {
    if (this.disabled) return;
    const value = this.value;
    const event = new DiffusionSubmitEvent(value);
    if (!this.dispatchEvent(event)) return;
    const target = this.#findTarget();
    if (!target) return;
    this.#target = target;
    this.busy = true;
    this.status = 'Generating';
    target.generate(value).then(
      () => (this.status = 'Image ready'),
      (error: Error) => (this.status = isAbortError(error) ? 'Cancelled' : `Failed: ${error?.message}`),
    ).finally(() => {
      if (this.#target === target) this.busy = false;
    });
  }

  /** Cancels the `for` canvas's run. */
  cancel(): void {
    this.#target?.cancel();
  }

  /** Sets a random seed (0..2^32-1) and announces it. */
  randomizeSeed(): void {
    this.seed = crypto.getRandomValues(new Uint32Array(1))[0];
    this.status = `Seed ${this.seed}`;
  }

  /** Form reset: back to the markup's values. */
  formResetCallback(): void {
    Object.assign(this, this.#defaults);
  }

  /** The browser restoring a form (back navigation, autofill). */
  formStateRestoreCallback(state: unknown): void {
    if (!(state instanceof FormData)) return;
    const number = (key: string) => (state.has(key) ? Number(state.get(key)) : undefined);
    this.prompt = String(state.get('prompt') ?? '');
    this.negativePrompt = String(state.get('negative-prompt') ?? '');
    Object.assign(this, { steps: number('steps'), guidanceScale: number('guidance-scale'), width: number('width'), height: number('height'), seed: number('seed') });
    this.scheduler = String(state.get('scheduler') ?? '');
  }

  /** A disabled fieldset disables this control too. */
  formDisabledCallback(disabled: boolean): void {
    this.disabled = disabled;
  }

  protected override willUpdate(changed: PropertyValues): void {
    keepValid(this, changed, checked);
  }

  protected override updated(): void {
    const form = new FormData();
    for (const [key, value] of Object.entries(this.value)) form.append(key === 'negativePrompt' ? 'negative-prompt' : key === 'guidanceScale' ? 'guidance-scale' : key, String(value));
    this.#internals.setFormValue(form);
    this.#internals.ariaBusy = String(this.busy);
  }

  override render(): TemplateResult {
    return renderPromptBox(this, {
      busy: this.busy,
      status: this.status,
      // A <diffusion-canvas> shows its own Cancel (it owns it, see diffusion-canvas.parts.ts): one button per run.
      canCancel: this.busy && this.#target !== undefined && this.#target.localName !== 'diffusion-canvas',
      onField: (name, raw) => this.#onField(name, raw),
      onChange: () => this.dispatchEvent(new Event('change', { bubbles: true })),
      onKeydown: (event) => this.#onKeydown(event),
      onSubmit: () => this.submit(),
      onCancel: () => this.cancel(),
      onRandomize: () => {
        this.randomizeSeed();
        this.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        this.dispatchEvent(new Event('change', { bubbles: true }));
      },
    });
  }

  #onField(name: FieldName, raw: string): void {
    const self = this as unknown as Record<FieldName, unknown>;
    if (name === 'prompt' || name === 'negativePrompt' || name === 'scheduler') self[name] = raw;
    else self[name] = raw.trim() === '' ? undefined : Number(raw);
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.submit();
  }

  #findTarget(): GenerateTarget | undefined {
    if (!this.htmlFor) return undefined;
    const root = this.getRootNode() as Document | ShadowRoot;
    const found = root.getElementById?.(this.htmlFor) ?? document.getElementById(this.htmlFor);
    if (found && typeof (found as Partial<GenerateTarget>).generate === 'function') return found as unknown as GenerateTarget;
    console.warn(`<prompt-box> for="${this.htmlFor}" does not name a <diffusion-canvas> in this document.`);
    return undefined;
  }
}
