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
