// Painting the mask with the keyboard only (real key presses through Chromium): Tab to the image, arrows move
// a visible brush cursor, Space paints a dab, Shift + arrows paint a line, [ ] size, e eraser, Ctrl+Z and
// Ctrl+Shift+Z undo and redo. The mask is read back pixel by pixel against the expected brush footprints.
import { sendKeys } from '@web/test-runner-commands';
import { equal, ok } from '../helpers/assert.ts';
import type { DiffusionCanvasElement } from '../../src/elements/index.ts';
import { differences, expectedMask, grey, maskBits, mount, recordEvents, unmountAll } from './element-helpers.ts';

const W = 64;
const H = 32;
const union = (...masks: Uint8Array[]) => masks.reduce((a, b) => a.map((v, i) => v | b[i]));
const press = async (key: string, times = 1) => {
  for (let i = 0; i < times; i += 1) await sendKeys({ press: key });
};

/** Presses `key` with `modifiers` held (the runner's Chromium path takes no "Control+z" combos). */
async function chord(modifiers: string[], key: string): Promise<void> {
  for (const m of modifiers) await sendKeys({ down: m });
  await press(key);
  for (const m of [...modifiers].reverse()) await sendKeys({ up: m });
}

/** Tabs (really) from the page until the canvas's stage has focus. */
async function tabToStage(canvas: DiffusionCanvasElement): Promise<HTMLElement> {
  const stage = canvas.shadowRoot!.querySelector<HTMLElement>('[part="stage"]')!;
  (document.activeElement as HTMLElement | null)?.blur();
  for (let i = 0; i < 10 && canvas.shadowRoot!.activeElement !== stage; i += 1) await press('Tab');
  equal(canvas.shadowRoot!.activeElement, stage, 'the stage has focus');
  return stage;
}

function cursorAt(canvas: DiffusionCanvasElement): { x: number; y: number; size: number; shown: boolean } {
  const cursor = canvas.shadowRoot!.querySelector<HTMLElement>('[part="brush-cursor"]')!;
  return {
    x: (parseFloat(cursor.style.left) / 100) * W, y: (parseFloat(cursor.style.top) / 100) * H,
    size: (parseFloat(cursor.style.width) / 100) * W, shown: getComputedStyle(cursor).display !== 'none',
  };
}

describe('<diffusion-canvas> keyboard-only painting', () => {
  afterEach(unmountAll);

  it('arrows move the cursor, Space dabs, Shift+arrows paint a line; undo, redo, size and eraser by key', async () => {
    const host = await mount('<button>before</button><diffusion-canvas style="width: 256px" brush-size="8"></diffusion-canvas>');
    const canvas = host.querySelector('diffusion-canvas')!;
    canvas.image = grey(W, H);
    await canvas.updateComplete;
    const events = recordEvents(canvas, ['diffusion-mask-change']);
    await tabToStage(canvas);
    let cursor = cursorAt(canvas);
    ok(cursor.shown, 'the brush cursor is visible with keyboard focus');
    equal(`${cursor.x},${cursor.y},${cursor.size}`, '32,16,8', 'starts at the centre, brush-sized');

    await press('Space');
    const dab = expectedMask(W, H, [[32, 16]], 4);
    equal(differences(maskBits(canvas), dab), 0, 'Space paints one dab under the cursor');
    equal(events.length, 1, 'a dab is a stroke');

    await press('ArrowLeft', 2);
    await press('ArrowUp');
    cursor = cursorAt(canvas);
    equal(`${cursor.x},${cursor.y}`, '24,12', 'arrows move by half the brush size');
    equal(differences(maskBits(canvas), dab), 0, 'plain arrows do not paint');

    await sendKeys({ down: 'Shift' });
    await press('ArrowRight', 3);
    equal(events.length, 1, 'the Shift stroke is still open');
    await sendKeys({ up: 'Shift' });
    equal(events.length, 2, 'releasing Shift ends the stroke');
    const line = union(dab, expectedMask(W, H, [[24, 12], [36, 12]], 4));
    equal(differences(maskBits(canvas), line), 0, 'Shift+arrows paint the path');

    await chord(['Control'], 'KeyZ');
    equal(differences(maskBits(canvas), dab), 0, 'Ctrl+Z undoes the whole Shift stroke');
    await chord(['Control', 'Shift'], 'KeyZ');
    equal(differences(maskBits(canvas), line), 0, 'Ctrl+Shift+Z redoes it');

    await press('BracketRight');
    const bigger = canvas.brushSize;
    ok(bigger > 8 && cursorAt(canvas).size === bigger, `] grows brush and cursor (${bigger})`);
    await press('BracketLeft');
    ok(canvas.brushSize < bigger && cursorAt(canvas).size === canvas.brushSize, `[ shrinks them (${canvas.brushSize})`);
    await press('KeyE');
    equal(canvas.tool, 'eraser');
    await press('Space');
    const erased = line.map((v, i) => v & (1 - expectedMask(W, H, [[36, 12]], canvas.brushSize / 2)[i]));
    equal(differences(maskBits(canvas), erased), 0, 'Space with the eraser erases a dab');

    await press('ArrowRight', 40);
    equal(cursorAt(canvas).x, W, 'the cursor stops at the edge');
    equal(events.length, 5, 'dab, line, undo, redo, erase: one event each');
  });

  it('a Shift stroke ends when the stage loses focus, and nothing is painted without an image', async () => {
    const host = await mount('<button>before</button><diffusion-canvas brush-size="8"></diffusion-canvas><button>after</button>');
    const canvas = host.querySelector('diffusion-canvas')!;
    await tabToStage(canvas);
    await press('Space');
    equal(canvas.mask, undefined, 'no image, no mask');
    canvas.image = grey(W, H);
    await canvas.updateComplete;
    const events = recordEvents(canvas, ['diffusion-mask-change']);
    await sendKeys({ down: 'Shift' });
    await press('ArrowDown');
    canvas.shadowRoot!.querySelector<HTMLElement>('[part="stage"]')!.blur();
    await sendKeys({ up: 'Shift' });
    equal(events.length, 1, 'blur ends the stroke');
    equal(differences(maskBits(canvas), expectedMask(W, H, [[32, 16], [32, 20]], 4)), 0, 'one segment painted');
  });
});
