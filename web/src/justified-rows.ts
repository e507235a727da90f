/**
 * The catalogue's justified grid: rows of equal height in which each image keeps its aspect ratio
 * and every row but the last fills the container exactly. Pure, so it is tested without a browser;
 * the page measures the container and gives each box the size computed here before its image loads.
 */

export interface JustifiedOptions {
  /** The container's inner width in CSS pixels. */
  containerWidth: number;
  /** The height rows aim for; a full row is scaled to fill the width, so it ends up near this. */
  targetHeight: number;
  /** The space between boxes, across and down. */
  gap: number;
  /** Narrower boxes are widened to this (the image is cropped a little, centred): a tall scroll still gets a usable box. */
  minAspect?: number;
  /** Wider boxes are narrowed to this: a handscroll does not make a row a sliver. */
  maxAspect?: number;
  /** A row that would be taller than targetHeight × this (too few boxes to fill it) stays at that height, unjustified. */
  maxHeightRatio?: number;
}

export interface JustifiedBox {
  /** The item's index in the input. */
  index: number;
  /** Whole pixels: a justified row's widths and gaps add up to the container's width exactly. */
  width: number;
  height: number;
}

export interface JustifiedRow {
  height: number;
  boxes: JustifiedBox[];
  /** False for the last row (and a row that could not be filled): its boxes keep the target height and it ends short. */
  justified: boolean;
}

export const DEFAULT_MIN_ASPECT = 0.5;
export const DEFAULT_MAX_ASPECT = 3;

/** The aspect ratio (width / height) a box is laid out with: the image's, within the allowed range; 1 when unknown. */
export function layoutAspect(width: number | null | undefined, height: number | null | undefined, min = DEFAULT_MIN_ASPECT, max = DEFAULT_MAX_ASPECT): number {
  if (!width || !height || !Number.isFinite(width / height) || width <= 0 || height <= 0) return 1;
  return Math.min(max, Math.max(min, width / height));
}

/** Splits items of the given aspect ratios into justified rows (see the module comment). */
export function justifiedRows(aspects: readonly number[], options: JustifiedOptions): JustifiedRow[] {
  const { containerWidth, targetHeight, gap } = options;
  const minAspect = options.minAspect ?? DEFAULT_MIN_ASPECT;
  const maxAspect = options.maxAspect ?? DEFAULT_MAX_ASPECT;
  const maxHeight = targetHeight * (options.maxHeightRatio ?? 1.5);
  const width = Math.max(0, Math.floor(containerWidth));
  if (aspects.length === 0 || width === 0 || targetHeight <= 0) return [];
  const ratio = aspects.map((a) => (Number.isFinite(a) && a > 0 ? Math.min(maxAspect, Math.max(minAspect, a)) : 1));

  const rows: JustifiedRow[] = [];
  let start = 0;
  while (start < ratio.length) {
    // Add boxes until the row, at the target height, is as wide as the container.
    let end = start;
    let sum = 0;
    while (end < ratio.length) {
      sum += ratio[end]!;
      end++;
      if (sum * targetHeight + gap * (end - start - 1) >= width) break;
    }
    const fits = (n: number, s: number) => (width - gap * (n - 1)) / s;
    let full = sum * targetHeight + gap * (end - start - 1) >= width;
    if (full && end - start > 1) {
      // With the last box the row is shorter than the target, without it taller: keep whichever is nearer.
      const withLast = fits(end - start, sum);
      const withoutSum = sum - ratio[end - 1]!;
      const without = fits(end - start - 1, withoutSum);
      if (without <= maxHeight && without / targetHeight < targetHeight / withLast) {
        end--;
        sum = withoutSum;
      }
    }
    let height = full ? fits(end - start, sum) : targetHeight;
    if (height > maxHeight) {
      height = maxHeight;
      full = false;
    }
    rows.push(layoutRow(start, end, ratio, height, full, width, gap));
    start = end;
  }
  return rows;
}

/** Whole-pixel boxes for one row; a justified row's rounding remainder goes to its widest boxes, so it ends flush. */
function layoutRow(start: number, end: number, ratio: number[], height: number, justified: boolean, width: number, gap: number): JustifiedRow {
  const h = Math.max(1, Math.round(height));
  const exact = ratio.slice(start, end).map((a) => a * height);
  const boxes = exact.map((w, i) => ({ index: start + i, width: Math.max(1, Math.floor(w)), height: h }));
  if (justified) {
    let remainder = width - gap * (boxes.length - 1) - boxes.reduce((n, b) => n + b.width, 0);
    const byFraction = boxes.map((b, i) => ({ b, f: exact[i]! - Math.floor(exact[i]!) })).sort((x, y) => y.f - x.f);
    for (let i = 0; remainder > 0 && byFraction.length > 0; i = (i + 1) % byFraction.length, remainder--) byFraction[i]!.b.width++;
    // Rounding can also overshoot by a pixel or two when boxes were held at 1px; take it back from the widest.
    while (remainder < 0) {
      const widest = boxes.reduce((a, b) => (b.width > a.width ? b : a));
      widest.width--;
      remainder++;
    }
  }
  return { height: h, boxes, justified };
}
