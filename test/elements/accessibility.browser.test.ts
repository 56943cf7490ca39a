// One axe-core audit per element (rendered, with an image and a mask, and in the error state), plus the
// keyboard-only path through both elements.
import { sendKeys } from '@web/test-runner-commands';
import { equal, ok } from '../helpers/assert.ts';
import type { DiffusionCanvasElement } from '../../src/elements/index.ts';
import { grey, mount, stroke, unmountAll } from './element-helpers.ts';

interface AxeResult { violations: { id: string; help: string; nodes: { target: unknown }[] }[] }
declare global { interface Window { axe?: { run(context: Element): Promise<AxeResult> } } }

async function axe(): Promise<NonNullable<Window['axe']>> {
  if (!window.axe) {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    document.head.append(script);
    await new Promise((resolve, reject) => { script.onload = resolve; script.onerror = reject; });
  }
  return window.axe!;
}

async function audit(element: Element): Promise<void> {
  const { violations } = await (await axe()).run(element);
  equal(violations.length, 0, violations.map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`).join('\n'));
}

async function shiftTab(): Promise<void> {
  await sendKeys({ down: 'Shift' });
  await sendKeys({ press: 'Tab' });
  await sendKeys({ up: 'Shift' });
}

/** The element focused inside shadow roots. */
function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

describe('accessibility', () => {
  afterEach(unmountAll);

  it('<prompt-box> passes axe, settings open', async () => {
    const host = await mount('<prompt-box></prompt-box>');
    const el = host.querySelector('prompt-box')!;
    el.shadowRoot!.querySelector('details')!.open = true;
    await audit(el);
  });

  it('<diffusion-canvas> passes axe empty, with an image and mask, and in the error state', async () => {
    const host = await mount('<diffusion-canvas model="/nope/" device="wasm" style="width: 200px"></diffusion-canvas>');
    const canvas = host.querySelector('diffusion-canvas') as DiffusionCanvasElement;
    await audit(canvas);
    canvas.image = grey(64, 64);
    await canvas.updateComplete;
    stroke(canvas, [[50, 50]]);
    await canvas.updateComplete;
    await audit(canvas);
    await canvas.generate({ prompt: 'x' }).catch(() => undefined);
    await canvas.updateComplete;
    await audit(canvas);
  });

  it('keyboard only: Tab reaches every control in order, Space/Enter operate them', async () => {
    const host = await mount('<prompt-box for="k"></prompt-box><diffusion-canvas id="k" style="width: 200px"></diffusion-canvas>');
    const canvas = host.querySelector('diffusion-canvas') as DiffusionCanvasElement;
    canvas.image = grey(64, 64);
    await canvas.updateComplete;
    host.querySelector('prompt-box')!.shadowRoot!.querySelector('textarea')!.focus();
    const visited: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      await sendKeys({ press: 'Tab' });
      const el = deepActive();
      visited.push(`${el?.localName}${el?.getAttribute('part') ? `[${el.getAttribute('part')}]` : ''}:${el?.textContent?.trim() ?? ''}`);
    }
    ok(visited[0].startsWith('button[submit]'), visited.join(' | '));
    ok(visited.some((v) => v.startsWith('summary')), 'settings disclosure');
    ok(visited.some((v) => v.startsWith('div[stage]')), 'canvas stage focusable');
    ok(visited.some((v) => v.includes('Eraser')), 'eraser button reachable');
    while (!deepActive()?.textContent?.includes('Eraser')) await shiftTab();
    await sendKeys({ press: 'Space' });
    equal(canvas.tool, 'eraser', 'Space presses the focused tool button');
    await shiftTab();
    await shiftTab();
    equal(deepActive()?.getAttribute('part'), 'stage');
    const size = canvas.brushSize;
    await sendKeys({ press: 'BracketRight' });
    ok(canvas.brushSize > size, '] on the focused stage');
  });
});
