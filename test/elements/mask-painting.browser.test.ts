// Mask painting: synthesised pointer events at a CSS size unlike the image size, and at device pixel ratio 2
// (real, through the test runner's setViewport with deviceScaleFactor), give exactly the expected image pixels.
import { setViewport } from '@web/test-runner-commands';
import { equal, ok, deepEqual } from '../helpers/assert.ts';
import type { DiffusionCanvasElement } from '../../src/elements/index.ts';
import type { DiffusionMaskChangeEvent } from '../../src/elements/index.ts';
import { differences, expectedMask, grey, maskBits, mount, recordEvents, stroke, unmountAll } from './element-helpers.ts';

/** A 64x32 image shown 256 CSS pixels wide (4 CSS px per image px), brush 8 image px. */
async function paintable(): Promise<DiffusionCanvasElement> {
  const host = await mount('<diffusion-canvas style="width: 256px" brush-size="8"></diffusion-canvas>');
  const canvas = host.querySelector('diffusion-canvas')!;
  canvas.image = grey(64, 32);
  await canvas.updateComplete;
  return canvas;
}

describe('<diffusion-canvas> mask painting', () => {
  afterEach(async () => {
    unmountAll();
    await setViewport({ width: 800, height: 600, deviceScaleFactor: 1 } as Parameters<typeof setViewport>[0]);
  });

  for (const dpr of [1, 2]) {
    it(`maps CSS pixels to image pixels exactly at devicePixelRatio ${dpr}`, async () => {
      await setViewport({ width: 800, height: 600, deviceScaleFactor: dpr } as Parameters<typeof setViewport>[0]);
      equal(window.devicePixelRatio, dpr, 'devicePixelRatio');
      const canvas = await paintable();
      const box = canvas.shadowRoot!.querySelector('canvas[part="mask"]')!.getBoundingClientRect();
      equal(Math.round(box.width), 256, 'CSS width');
      equal(Math.round(box.height), 128, 'CSS height');
      stroke(canvas, [[40, 40], [120, 40], [200, 100]]);
      const expected = expectedMask(64, 32, [[10, 10], [30, 10], [50, 25]], 4);
      equal(differences(maskBits(canvas), expected), 0, 'differing mask pixels');
      ok(canvas.mask!.width === 64 && canvas.mask!.height === 32, 'mask at image resolution');
      ok(maskBits(canvas)[10 * 64 + 20] === 1 && maskBits(canvas)[0] === 0, 'a painted and an unpainted pixel');
    });
  }

  it('erases with the eraser, scales with pen pressure, and fires diffusion-mask-change at stroke end only', async () => {
    const canvas = await paintable();
    const events = recordEvents(canvas, ['diffusion-mask-change']);
    stroke(canvas, [[20, 60], [230, 60]]);
    equal(events.length, 1, 'one event per stroke');
    const detail = (events[0] as DiffusionMaskChangeEvent).detail;
    deepEqual({ width: detail.width, height: detail.height }, { width: 64, height: 32 });
    equal(detail.painted, maskBits(canvas).reduce((a, b) => a + b, 0), 'painted count');
    canvas.tool = 'eraser';
    stroke(canvas, [[0, 60], [256, 60]], { pointerType: 'pen', pressure: 1, pointerId: 12 });
    equal(maskBits(canvas).reduce((a, b) => a + b, 0), 0, 'erased everything');
    canvas.tool = 'brush';
    stroke(canvas, [[128, 64]], { pointerType: 'pen', pressure: 0.5, pointerId: 13 });
    equal(differences(maskBits(canvas), expectedMask(64, 32, [[32, 16]], 2)), 0, 'half pressure paints half the width');
    equal(events.length, 3);
  });

  it('touch strokes paint like mouse strokes (full width: touch pressure is ignored)', async () => {
    const canvas = await paintable();
    stroke(canvas, [[40, 40], [120, 40], [200, 100]], { pointerType: 'touch', pressure: 0.2, pointerId: 21 });
    equal(differences(maskBits(canvas), expectedMask(64, 32, [[10, 10], [30, 10], [50, 25]], 4)), 0, 'differing mask pixels');
  });

  it('undo and redo walk the stroke history, and the methods fire no events', async () => {
    const canvas = await paintable();
    const events = recordEvents(canvas, ['diffusion-mask-change']);
    stroke(canvas, [[20, 20]]);
    const first = maskBits(canvas);
    stroke(canvas, [[200, 100]]);
    const second = maskBits(canvas);
    canvas.undo();
    equal(differences(maskBits(canvas), first), 0, 'undo goes back one stroke');
    canvas.undo();
    equal(maskBits(canvas).reduce((a, b) => a + b, 0), 0, 'undo twice: empty');
    canvas.undo();
    canvas.redo();
    canvas.redo();
    equal(differences(maskBits(canvas), second), 0, 'redo twice');
    canvas.clearMask();
    equal(maskBits(canvas).reduce((a, b) => a + b, 0), 0, 'cleared');
    canvas.undo();
    equal(differences(maskBits(canvas), second), 0, 'clear is undoable');
    stroke(canvas, [[128, 64]]);
    canvas.redo();
    ok(maskBits(canvas)[16 * 64 + 32] === 1, 'a new stroke drops the redo stack');
    equal(events.length, 3, 'only the three strokes fired');
  });

  it('keys: [ and ] size the brush, b/e pick the tool, Ctrl+Z / Ctrl+Shift+Z undo and redo (with events)', async () => {
    const canvas = await paintable();
    const stage = canvas.shadowRoot!.querySelector<HTMLElement>('[part="stage"]')!;
    const key = (k: string, init: KeyboardEventInit = {}) => stage.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true, ...init }));
    key(']');
    ok(canvas.brushSize > 8, `] grows the brush (${canvas.brushSize})`);
    key('[');
    key('[');
    ok(canvas.brushSize < 8, `[ shrinks it (${canvas.brushSize})`);
    key('e');
    equal(canvas.tool, 'eraser');
    key('b');
    equal(canvas.tool, 'brush');
    stroke(canvas, [[40, 40]]);
    const events = recordEvents(canvas, ['diffusion-mask-change']);
    key('z', { ctrlKey: true });
    equal(maskBits(canvas).reduce((a, b) => a + b, 0), 0, 'undone');
    key('z', { ctrlKey: true, shiftKey: true });
    ok(maskBits(canvas).reduce((a, b) => a + b, 0) > 0, 'redone');
    equal(events.length, 2, 'keyboard undo/redo are user actions and fire');
  });

  it('the overlay colour and opacity come from CSS custom properties', async () => {
    const canvas = await paintable();
    canvas.style.setProperty('--diffusion-canvas-mask-color', 'rgb(0, 200, 10)');
    canvas.style.setProperty('--diffusion-canvas-mask-opacity', '0.25');
    stroke(canvas, [[128, 64]]);
    const overlay = canvas.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part="mask"]')!;
    const pixel = overlay.getContext('2d')!.getImageData(32, 16, 1, 1).data;
    deepEqual([...pixel], [0, 200, 10, 255]);
    equal(getComputedStyle(overlay).opacity, '0.25');
  });
});
