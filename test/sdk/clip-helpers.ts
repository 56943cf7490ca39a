// Shared by the CLIP tests: the fixture folders, and the synthetic images of tools/clip/clip-reference.py.

/** The synthetic image formula of tools/clip/*.py, as RGBA ImageData-shaped data. */
export function clipPattern(width: number, height: number, kind: 'busy' | 'smooth'): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      for (let c = 0; c < 3; c += 1) {
        data[(y * width + x) * 4 + c] = kind === 'busy'
          ? (x * 37 + y * 91 + c * 53 + ((x * y) % 29) * 7) % 256
          : (x * (c + 1) + y * (3 - c) * 2 + ((Math.floor(x / 16) + Math.floor(y / 16)) % 2) * 60) % 256;
      }
      data[(y * width + x) * 4 + 3] = 255;
    }
  }
  return { width, height, data };
}

/** The folder URL of a tiny CLIP fixture: 'clip-combined' or 'clip-split' (tools/fixtures/clip-files.ts). */
export const clipUrl = (layout: 'clip-combined' | 'clip-split') => new URL(`/test/fixtures/models/${layout}/`, location.href).href;

/** The reference numbers of tools/clip/clip-reference.py. */
export interface ClipReference {
  texts: string[]; inputIds: number[][]; images: { width: number; height: number; pattern: 'busy' | 'smooth' }[];
  textEmbeds: number[][]; imageEmbeds: number[][]; cosine: number[][]; logitScale: number;
}

/** Loads test/fixtures/oracle/clip-tiny-reference.json over HTTP. */
export async function clipReference(): Promise<ClipReference> {
  return (await fetch('/test/fixtures/oracle/clip-tiny-reference.json')).json() as Promise<ClipReference>;
}

/** The reference's images as ImageData. */
export function referenceImages(reference: ClipReference): ImageData[] {
  return reference.images.map((im) => {
    const p = clipPattern(im.width, im.height, im.pattern);
    return new ImageData(p.data, p.width, p.height);
  });
}

/** The largest absolute difference between two equally shaped lists of rows. */
export function maxDifference(actual: ArrayLike<number>[], expected: number[][]): number {
  let max = 0;
  expected.forEach((row, r) => row.forEach((v, c) => { max = Math.max(max, Math.abs(actual[r][c] - v)); }));
  return max;
}
