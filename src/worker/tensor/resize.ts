/** Scales ImageData with the browser's own filtering (OffscreenCanvas works in workers too). */

/** Returns `image` itself when it already has the size, else a bilinear-scaled copy. */
export async function resizeImageData(image: ImageData, width: number, height: number): Promise<ImageData> {
  if (image.width === width && image.height === height) return image;
  const bitmap = await createImageBitmap(image);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return context.getImageData(0, 0, width, height);
}
