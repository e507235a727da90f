/**
 * What a render from a pyramid reads and makes, shared by sharp's path (image-render.ts) and the
 * stored-tile path (tile-region.ts), so both give the same answer: the level a request is read
 * from, the request in that level's pixels, the resize and the cut, and the JPEG quality. Free of
 * sharp, so the render threads do not load it.
 */
import type { ImageRequest, PixelRect } from './image-api.js';
import type { PyramidInfo, PyramidLevel } from './pyramid.js';

/** The level a request is read from, and the request's geometry in that level's pixels. */
export interface LevelChoice {
  /** Index into `info.levels`. */
  index: number;
  level: PyramidLevel;
  /** Full-image pixels per level pixel, per axis (2^index for every level libvips writes). */
  factorX: number;
  factorY: number;
  /** The region in level pixels, rounded outward and clamped to the level. */
  rect: PixelRect;
}

/** JPEG quality of served images: visually clean for viewing, a third of the bytes of quality 95. */
export const RENDER_JPEG_QUALITY = 85;

/**
 * Full-image pixels per pixel of level `index`. libvips halves each level with a 2×2 box and drops
 * an odd last row or column, so level k maps exactly by 2^k (its last level pixel covers full
 * pixels up to 2^k·size, not the image's edge); a level of any other size is mapped by its ratio.
 */
export function levelFactors(info: PyramidInfo, index: number): { factorX: number; factorY: number } {
  const level = info.levels[index]!;
  const f = 2 ** index;
  if (level.width === Math.floor(info.width / f) && level.height === Math.floor(info.height / f)) return { factorX: f, factorY: f };
  return { factorX: info.width / level.width, factorY: info.height / level.height };
}

/**
 * The smallest level whose resolution is still at least what the request asks for, allowing one
 * output pixel of slack: viewers ask for `ceil(region / 2^k)` pixels of a region that level k holds
 * as `region / 2^k` (up to a pixel less), and reading the next larger level for that one pixel
 * would cost four times the decode.
 */
export function chooseLevel(info: PyramidInfo, req: Pick<ImageRequest, 'region' | 'size'>): LevelChoice {
  const { region, size } = req;
  for (let index = info.levels.length - 1; index >= 0; index--) {
    const { factorX, factorY } = levelFactors(info, index);
    const enough = region.width / factorX > size.width - 1 && region.height / factorY > size.height - 1;
    if (enough || index === 0) return { index, level: info.levels[index]!, factorX, factorY, rect: levelRect(region, factorX, factorY, info.levels[index]!) };
  }
  throw new Error('a pyramid has at least one level');
}

/** `region` (full-image pixels) in the pixels of a level shrunk by the factors, rounded outward and clamped. */
export function levelRect(region: PixelRect, factorX: number, factorY: number, level: { width: number; height: number }): PixelRect {
  const x0 = Math.min(level.width - 1, Math.floor(region.x / factorX));
  const y0 = Math.min(level.height - 1, Math.floor(region.y / factorY));
  const x1 = Math.max(x0 + 1, Math.min(level.width, Math.ceil((region.x + region.width) / factorX)));
  const y1 = Math.max(y0 + 1, Math.min(level.height, Math.ceil((region.y + region.height) / factorY)));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * How to turn `rect` (whole source pixels around the exact region) into exactly `size` pixels:
 * resize it by the request's scale, then cut the exact region out of the result. The cut keeps
 * sub-pixel placement: a region that starts a third of a level pixel into `rect` starts a third of
 * an output pixel's worth into the resized rect, instead of stretching the extra margin into the
 * output. A rect clamped at the image's edge (the exact region runs past the last level pixel,
 * which libvips dropped) has the cut moved in to fit, or is stretched to the size when it is the
 * shorter: a fraction of a level pixel at the edge, at most about one output pixel.
 */
export interface ResizePlan { resize: { width: number; height: number }; cut: PixelRect | null }

/** The resize and the cut that make `size` from `rect` for an exact region `[ex0, ex1) × [ey0, ey1)` in the same pixels. */
export function resizePlan(rect: PixelRect, exact: { x0: number; y0: number; x1: number; y1: number }, size: { width: number; height: number }): ResizePlan {
  const axis = (r0: number, rLen: number, e0: number, e1: number, out: number): { len: number; offset: number } => {
    const scale = out / (e1 - e0);
    const len = Math.round(rLen * scale);
    // Rounding the length and the offset separately may overshoot the end by one pixel.
    return len >= out ? { len, offset: Math.min(Math.max(0, Math.round((e0 - r0) * scale)), len - out) } : { len: out, offset: 0 };
  };
  const x = axis(rect.x, rect.width, exact.x0, exact.x1, size.width);
  const y = axis(rect.y, rect.height, exact.y0, exact.y1, size.height);
  const cut = x.len === size.width && y.len === size.height ? null : { x: x.offset, y: y.offset, width: size.width, height: size.height };
  return { resize: { width: x.len, height: y.len }, cut };
}

