// Shared helpers for the element tests: mounting, waiting for events, reading canvas pixels, synthesised pointers.
import '../../src/elements/index.ts';
import type { DiffusionCanvasElement } from '../../src/elements/index.ts';

/** The tiny fixture model, served by the test runner. */
export const FIXTURE_MODEL = '/test/fixtures/models/web-int64/';

/** Attributes that make a canvas fast with the fixture model. */
export const FAST = `model="${FIXTURE_MODEL}" device="wasm" width="64" height="64" steps="2" seed="7"`;

/** Puts `markup` in a fresh container in the body and waits for the elements to render. */
export async function mount(markup: string): Promise<HTMLElement> {
  const host = document.createElement('div');
  host.innerHTML = markup;
  document.body.append(host);
  await Promise.all([...host.querySelectorAll('diffusion-canvas, prompt-box')].map((el) => (el as unknown as { updateComplete: Promise<unknown> }).updateComplete));
  return host;
}

/** Removes everything `mount` added. */
export function unmountAll(): void {
  for (const child of [...document.body.children]) if (child.localName === 'div') child.remove();
}

/** Resolves with the next `name` event on `target` (rejects after `ms`). */
export function nextEvent<T extends Event>(target: EventTarget, name: string, ms = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event within ${ms} ms`)), ms);
    target.addEventListener(name, (event) => { clearTimeout(timer); resolve(event as T); }, { once: true });
  });
}

/** Records every event of the given names on `target`. */
export function recordEvents(target: EventTarget, names: string[]): Event[] {
  const seen: Event[] = [];
  for (const name of names) target.addEventListener(name, (event) => seen.push(event));
  return seen;
}

/** The pixels of the canvas's image layer, as shown. */
export function shownPixels(canvas: DiffusionCanvasElement): ImageData {
  const layer = canvas.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part="image"]')!;
  return layer.getContext('2d')!.getImageData(0, 0, layer.width, layer.height);
}

/** True when not every RGB value is the same. */
export function varies(image: ImageData): boolean {
  const first = image.data[0];
  return image.data.some((value, i) => i % 4 !== 3 && value !== first);
}

/** A flat grey image of the given size. */
export function grey(width: number, height: number, value = 128): ImageData {
  const data = new Uint8ClampedArray(width * height * 4).fill(value);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return new ImageData(data, width, height);
}

/** Dispatches a pointer stroke through `points` given in CSS pixels relative to the mask overlay's box. */
export function stroke(canvas: DiffusionCanvasElement, points: [number, number][], init: PointerEventInit = {}): void {
  const overlay = canvas.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[part="mask"]')!;
  const box = overlay.getBoundingClientRect();
  const at = (type: string, [x, y]: [number, number]) => overlay.dispatchEvent(new PointerEvent(type, {
    bubbles: true, composed: true, cancelable: true, pointerId: 11, pointerType: 'mouse', isPrimary: true,
    button: type === 'pointermove' ? -1 : 0, buttons: type === 'pointerup' ? 0 : 1, pressure: type === 'pointerup' ? 0 : 0.5,
    clientX: box.left + x, clientY: box.top + y, ...init,
  }));
  at('pointerdown', points[0]);
  for (const point of points.slice(1)) at('pointermove', point);
  at('pointerup', points[points.length - 1]);
}

/** The mask expected from a round brush of `radius` image pixels along the segments through `points` (image pixels). */
export function expectedMask(width: number, height: number, points: [number, number][], radius: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const segments = points.length === 1 ? [[points[0], points[0]]] : points.slice(1).map((p, i) => [points[i], p]);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) {
    const [px, py] = [x + 0.5, y + 0.5];
    for (const [[ax, ay], [bx, by]] of segments) {
      const [dx, dy] = [bx - ax, by - ay];
      const len = dx * dx + dy * dy;
      const t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
      if ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2 <= radius * radius) out[y * width + x] = 1;
    }
  }
  return out;
}

/** The element's mask as 0/1 per pixel (white = 1). */
export function maskBits(canvas: DiffusionCanvasElement): Uint8Array {
  const mask = canvas.mask!;
  const out = new Uint8Array(mask.width * mask.height);
  for (let i = 0; i < out.length; i += 1) out[i] = mask.data[i * 4] === 255 ? 1 : 0;
  return out;
}

/** How many entries differ. */
export function differences(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) n += 1;
  return n;
}
