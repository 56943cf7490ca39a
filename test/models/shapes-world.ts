// Shared by the shapes-model tests: the held-out renders (tools/train/eval_set.py), the prompt set, and the
// scoring of generated pictures by the plain pixel analysis of test/helpers/shape-analysis.ts.
import { COLOURS, SHAPES, read, type Colour, type Reading, type Shape } from '../helpers/shape-analysis.ts';

export interface Scene { shape: Shape; colour: Colour; background: Colour; size: string; position: string; caption: string }

/** The held-out scenes and their pictures, cut from the sprite sheet. */
export async function heldOut(): Promise<{ scene: Scene; image: ImageData }[]> {
  const labels = await (await fetch('/test/fixtures/shapes-eval/labels.json')).json() as { cell: number; perRow: number; scenes: Scene[] };
  const bitmap = await createImageBitmap(await (await fetch('/test/fixtures/shapes-eval/sheet.png')).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const { cell, perRow } = labels;
  return labels.scenes.map((scene, i) => ({ scene, image: context.getImageData((i % perRow) * cell, Math.floor(i / perRow) * cell, cell, cell) }));
}

export interface Prompt { text: string; shape: Shape; colour: Colour; background: Colour }

/**
 * 48 prompts: every shape with every colour (32), and 16 more, each on a background that differs from the
 * shape's; medium and large sizes in turn (a small shape is 14 px, 2 latent pixels: too few to judge a star by).
 */
export function promptSet(): Prompt[] {
  return Array.from({ length: 48 }, (_, i) => {
    const shape = SHAPES[i % 4];
    const colour = COLOURS[Math.floor(i / 4) % 8];
    const background = COLOURS[(COLOURS.indexOf(colour) + 1 + (i % 7)) % 8];
    const size = i % 2 ? 'large' : 'medium';
    const text = `a ${size} ${colour} ${shape} on a ${background} background`.replace(/^a (orange)/, 'an $1');
    return { text, shape, colour, background };
  });
}

export interface Score { colour: number; background: number; shape: number; all: number; count: number }

/** Fractions right, and the confusion tables (rows: asked; columns: read). */
export class Scorer {
  readonly readings: { prompt: Prompt; reading: Reading }[] = [];

  add(prompt: Prompt, image: ImageData): void {
    this.readings.push({ prompt, reading: read(image.data, image.width) });
  }

  score(): Score {
    const n = this.readings.length;
    const share = (test: (p: Prompt, r: Reading) => boolean) => this.readings.filter(({ prompt, reading }) => test(prompt, reading)).length / n;
    return {
      colour: share((p, r) => r.colour === p.colour), background: share((p, r) => r.background === p.background),
      shape: share((p, r) => r.shape === p.shape),
      all: share((p, r) => r.colour === p.colour && r.background === p.background && r.shape === p.shape), count: n,
    };
  }

  /** A text table of asked against read for `key`; 'none' where the picture had no shape. */
  confusion(key: 'shape' | 'colour' | 'background'): string {
    const classes: string[] = key === 'shape' ? [...SHAPES] : [...COLOURS];
    const columns = [...classes, 'none'];
    const rows = classes.map((asked) => {
      const counts = columns.map((seen) => this.readings.filter(({ prompt, reading }) => prompt[key] === asked && (reading[key] ?? 'none') === seen).length);
      return `${asked.padEnd(9)}${counts.map((c) => String(c).padStart(9)).join('')}`;
    });
    return [`${key} (rows asked, columns read)`, ''.padEnd(9) + columns.map((c) => c.padStart(9)).join(''), ...rows].join('\n');
  }
}
