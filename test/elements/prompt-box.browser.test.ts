// <prompt-box>: fields, native input/change, Enter vs Shift+Enter, diffusion-submit detail, form association, seed.
import { sendKeys } from '@web/test-runner-commands';
import { deepEqual, equal, ok } from '../helpers/assert.ts';
import type { DiffusionSubmitEvent, PromptBoxElement } from '../../src/elements/index.ts';
import { mount, nextEvent, recordEvents, unmountAll } from './element-helpers.ts';

async function box(markup = '<prompt-box></prompt-box>'): Promise<PromptBoxElement> {
  const host = await mount(markup);
  return host.querySelector('prompt-box')!;
}

describe('<prompt-box>', () => {
  afterEach(unmountAll);

  it('Enter fires diffusion-submit with every field; Shift+Enter types a newline', async () => {
    const el = await box('<prompt-box steps="4" guidance-scale="7.5" width="64" height="128" seed="9" scheduler="Euler a"></prompt-box>');
    const textarea = el.shadowRoot!.querySelector('textarea')!;
    textarea.focus();
    await sendKeys({ type: 'a cat' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'on a mat' });
    equal(el.prompt, 'a cat\non a mat');
    const submitted = nextEvent<DiffusionSubmitEvent>(el, 'diffusion-submit');
    await sendKeys({ press: 'Enter' });
    const event = await submitted;
    ok(event.bubbles && event.composed && event.cancelable, 'bubbles, composed, cancelable');
    deepEqual(event.detail, { prompt: 'a cat\non a mat', steps: 4, guidanceScale: 7.5, width: 64, height: 128, seed: 9, scheduler: 'Euler a' });
  });

  it('fires native input and change from the host', async () => {
    const el = await box();
    const events = recordEvents(el, ['input', 'change']);
    el.shadowRoot!.querySelector('details')!.open = true;
    const steps = el.shadowRoot!.querySelector<HTMLInputElement>('input[type="number"]')!;
    steps.focus();
    await sendKeys({ type: '12' });
    steps.blur();
    equal(el.steps, 12);
    ok(events.filter((e) => e.type === 'input').length >= 2, 'input per keystroke');
    equal(events.filter((e) => e.type === 'change').length, 1, 'one change on commit');
    ok(events.every((e) => e.target === el), 'retargeted to the host');
  });

  it('is form-associated: FormData, reset and disabled fieldsets', async () => {
    const host = await mount('<form><fieldset><prompt-box name="p" prompt="start" steps="3"></prompt-box></fieldset></form>');
    const el = host.querySelector('prompt-box')!;
    const form = host.querySelector('form')!;
    equal(el.form, form);
    el.prompt = 'changed';
    el.seed = 5;
    await el.updateComplete;
    const data = new FormData(form);
    deepEqual([data.get('prompt'), data.get('steps'), data.get('seed')], ['changed', '3', '5']);
    form.reset();
    await el.updateComplete;
    deepEqual([el.prompt, el.steps, el.seed], ['start', 3, undefined]);
    host.querySelector('fieldset')!.disabled = true;
    await el.updateComplete;
    ok(el.disabled && el.shadowRoot!.querySelector('textarea')!.disabled, 'disabled with its fieldset');
  });

  it('randomises the seed from its button and announces it', async () => {
    const el = await box();
    const events = recordEvents(el, ['change']);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="randomize"]')!.click();
    await el.updateComplete;
    ok(Number.isInteger(el.seed) && el.seed! >= 0 && el.seed! <= 0xffffffff, `seed ${el.seed}`);
    equal(events.length, 1);
    ok(el.shadowRoot!.querySelector('[role="status"]')!.textContent!.includes(String(el.seed)));
  });

  it('fills the sampler select from the SDK names', async () => {
    const el = await box();
    const options = [...el.shadowRoot!.querySelectorAll('option')].map((o) => o.value);
    equal(options[0], '', 'model default first');
    ok(options.length > 3 && options.includes('Euler a'), options.join());
  });

  it('without for it only fires events; preventDefault stops the for canvas', async () => {
    const host = await mount('<prompt-box for="c"></prompt-box><diffusion-canvas id="c"></diffusion-canvas>');
    const el = host.querySelector('prompt-box')!;
    const canvas = host.querySelector('diffusion-canvas')!;
    el.addEventListener('diffusion-submit', (e) => e.preventDefault(), { once: true });
    el.submit();
    ok(!canvas.busy, 'prevented');
  });
});
