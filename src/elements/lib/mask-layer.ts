/**
 * The inpainting mask at image resolution, as one coverage byte per pixel. Strokes are rasterised here
 * directly (a pixel is painted when its centre lies within the brush radius of the stroke's path), not with
 * canvas paths, so the mask holds exactly the painted pixels with no anti-aliased fringe, whatever the
 * element's CSS size or the device pixel ratio.
 */

/** An RGB colour for the on-screen overlay. */
export type Rgb = readonly [number, number, number];

/** A binary mask the size of the image. */
export class MaskLayer {
  /** Width in image pixels. */
  readonly width: number;
  /** Height in image pixels. */
  readonly height: number;
  #coverage: Uint8Array;
  /** Bumped by every change, so {@link maskImage} knows when its cached image is stale. */
  #version = 0;
  #cached: { readonly version: number; readonly image: ImageData } | undefined;

  constructor(width: number, height: number, coverage?: Uint8Array) {
    this.width = width;
    this.height = height;
    this.#coverage = coverage ?? new Uint8Array(width * height);
  }

  /** Paints (`value` 1) or erases (0) a round-capped segment from (x0, y0) to (x1, y1) in image pixels. */
  stroke(x0: number, y0: number, x1: number, y1: number, radius: number, value: 0 | 1): void {
    const left = Math.max(0, Math.floor(Math.min(x0, x1) - radius));
    const right = Math.min(this.width - 1, Math.ceil(Math.max(x0, x1) + radius));
    const top = Math.max(0, Math.floor(Math.min(y0, y1) - radius));
    const bottom = Math.min(this.height - 1, Math.ceil(Math.max(y0, y1) + radius));
    const dx = x1 - x0;
    const dy = y1 - y0;
    const lengthSquared = dx * dx + dy * dy;
    const r2 = radius * radius;
    this.#version += 1;
    for (let y = top; y <= bottom; y += 1) {
      const py = y + 0.5;
      for (let x = left; x <= right; x += 1) {
        const px = x + 0.5;
        // Distance from the pixel centre to the nearest point of the segment.
        const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / lengthSquared));
        const ex = px - (x0 + t * dx);
        const ey = py - (y0 + t * dy);
        if (ex * ex + ey * ey <= r2) this.#coverage[y * this.width + x] = value;
      }
    }
  }

  /** Erases everything. */
  clear(): void {
    this.#coverage.fill(0);
    this.#version += 1;
  }

  /** How many pixels are painted. */
  count(): number {
    let n = 0;
    for (const v of this.#coverage) n += v;
    return n;
  }

  /** True when the pixel at (x, y) is painted. */
  at(x: number, y: number): boolean {
    return this.#coverage[y * this.width + x] === 1;
  }

  /** A copy of the coverage, for undo. */
  snapshot(): Uint8Array {
    return this.#coverage.slice();
  }

  /** Puts back a snapshot taken from a layer of the same size. */
  restore(snapshot: Uint8Array): void {
    if (snapshot.length === this.#coverage.length) this.#coverage.set(snapshot);
    this.#version += 1;
  }

  /**
   * {@link toImageData}, cached until the mask changes: reading `.mask` repeatedly (every frame, say) then costs no
   * copy of the whole mask. Callers share the object, so it must be treated as read-only.
   */
  maskImage(): ImageData {
    if (this.#cached?.version !== this.#version) this.#cached = { version: this.#version, image: this.toImageData() };
    return this.#cached.image;
  }

  /** The mask the SDK takes: white where painted (repaint), black elsewhere, opaque. */
  toImageData(): ImageData {
    const data = new Uint8ClampedArray(this.width * this.height * 4);
    for (let i = 0; i < this.#coverage.length; i += 1) {
      const v = this.#coverage[i] * 255;
      data[i * 4] = data[i * 4 + 1] = data[i * 4 + 2] = v;
      data[i * 4 + 3] = 255;
    }
    return new ImageData(data, this.width, this.height);
  }

  /** The on-screen overlay: `color` where painted, transparent elsewhere (opacity comes from CSS). */
  toOverlay(color: Rgb): ImageData {
    const data = new Uint8ClampedArray(this.width * this.height * 4);
    for (let i = 0; i < this.#coverage.length; i += 1) {
      if (!this.#coverage[i]) continue;
      data.set(color, i * 4);
      data[i * 4 + 3] = 255;
    }
    return new ImageData(data, this.width, this.height);
  }

  /** A layer from a mask image: painted where the red channel is at least half (white = repaint). */
  static fromImageData(mask: ImageData): MaskLayer {
    const coverage = new Uint8Array(mask.width * mask.height);
    for (let i = 0; i < coverage.length; i += 1) coverage[i] = mask.data[i * 4] >= 128 ? 1 : 0;
    return new MaskLayer(mask.width, mask.height, coverage);
  }

  /** A layer painted where `image` is mostly transparent: a dropped PNG with holes asks for those holes to be filled. */
  static fromTransparency(image: ImageData): MaskLayer {
    const coverage = new Uint8Array(image.width * image.height);
    for (let i = 0; i < coverage.length; i += 1) coverage[i] = image.data[i * 4 + 3] < 128 ? 1 : 0;
    return new MaskLayer(image.width, image.height, coverage);
  }
}
