import sharp from 'sharp';

/**
 * Raw RGB pixels of a `width × height` mosaic of 16 × 16 cells of the given images, each cut to
 * 768 × 512 (every other one mirrored, so the cells repeat less visibly): varied photographic
 * content at any size up to 12,288 × 8,192, for the IIIF benchmarks.
 */
export async function kodakMosaic(files: string[], width: number, height: number): Promise<Buffer> {
  const tiles = await Promise.all(files.map((f, i) => {
    const image = sharp(f).resize(768, 512, { fit: 'cover' }).removeAlpha();
    return (i % 2 ? image.flop() : image).raw().toBuffer();
  }));
  const inputs = Array.from({ length: 256 }, (_, i) => ({
    input: tiles[(i * 7) % tiles.length]!, raw: { width: 768, height: 512, channels: 3 as const }, left: (i % 16) * 768, top: Math.floor(i / 16) * 512,
  }));
  const whole = await sharp({ create: { width: 16 * 768, height: 16 * 512, channels: 3, background: '#000' } }).composite(inputs).raw().toBuffer();
  return sharp(whole, { raw: { width: 16 * 768, height: 16 * 512, channels: 3 } }).extract({ left: 0, top: 0, width, height }).raw().toBuffer();
}
