import sharp from 'sharp';

/**
 * A test picture whose every pixel is known, and the geometry of IIIF Image API 3.0 requests over
 * it, so a response can be checked pixel by pixel against what the spec says it must show: a grid
 * of squares, each its own colour, with a black mark in each square's top-left corner so a mirrored
 * or turned square is told from an upright one. Pure but for sharp's encoding and decoding.
 */

export type Rgb = readonly [number, number, number];

export interface GridPattern {
  width: number;
  height: number;
  /** Side of one square, in pixels. */
  square: number;
  cols: number;
  rows: number;
  /** Side of the black mark in each square's top-left corner. */
  mark: number;
}

export const MARK_COLOUR: Rgb = [0, 0, 0];
/** Blue alternates like a chequerboard: squares that share an edge differ by 175 in it. */
const BLUE = [40, 215] as const;
const LOW = 15;
const HIGH = 240;

/** A width × height picture of squares of side `square` (both sides multiples of it). */
export function gridPattern(width: number, height: number, square: number): GridPattern {
  if (width % square !== 0 || height % square !== 0) throw new RangeError(`${width}×${height} is not a whole number of ${square}-pixel squares`);
  return { width, height, square, cols: width / square, rows: height / square, mark: Math.round(square / 5) };
}

/**
 * The colour of square (column, row), unique in the picture: red grows with the column, green with
 * the row (steps of 20 or more), and blue tells a square from those sharing an edge with it.
 */
export function squareColour(p: GridPattern, column: number, row: number): Rgb {
  const step = (k: number, n: number) => (n === 1 ? LOW : Math.round(LOW + (k * (HIGH - LOW)) / (n - 1)));
  return [step(column, p.cols), step(row, p.rows), BLUE[(column + row) % 2]!];
}

/** The pattern as a lossless PNG, ready to upload. */
export async function patternPng(p: GridPattern): Promise<Buffer> {
  const raw = Buffer.alloc(p.width * p.height * 3);
  for (let y = 0; y < p.height; y++) {
    const row = Math.floor(y / p.square);
    const inMarkRow = y % p.square < p.mark;
    for (let x = 0; x < p.width; x++) {
      const column = Math.floor(x / p.square);
      const colour = inMarkRow && x % p.square < p.mark ? MARK_COLOUR : squareColour(p, column, row);
      raw.set(colour, (y * p.width + x) * 3);
    }
  }
  return sharp(raw, { raw: { width: p.width, height: p.height, channels: 3 } }).png({ compressionLevel: 6 }).toBuffer();
}

/**
 * The colour at source point (x, y), or null when an edge (of a square, of a mark, of the image) is
 * within `margin` pixels: resampling and JPEG blur colours there, so no exact answer is owed. Around
 * the mark the margin shrinks so that a small square's centre stays checkable.
 */
export function expectedColourAt(p: GridPattern, x: number, y: number, margin: number): Rgb | null {
  if (x < margin || y < margin || x > p.width - margin || y > p.height - margin) return null;
  const column = Math.floor(x / p.square), row = Math.floor(y / p.square);
  const u = x - column * p.square, v = y - row * p.square;
  if (u < margin || v < margin || u > p.square - margin || v > p.square - margin) return null;
  const markMargin = Math.max(1, Math.min(margin, 0.8 * (p.square / 2 - p.mark)));
  const nearMark = (d: number) => Math.abs(d - p.mark) < markMargin;
  if (u < p.mark + markMargin && v < p.mark + markMargin && (nearMark(u) || nearMark(v))) return null;
  return u < p.mark && v < p.mark ? MARK_COLOUR : squareColour(p, column, row);
}

export interface Rect { x: number; y: number; width: number; height: number }

/** What a request asks for, resolved: region in source pixels, size before rotation, rotation. */
export interface Geometry {
  region: Rect;
  size: { width: number; height: number };
  degrees: number;
  mirror: boolean;
}

/**
 * The source point shown at the centre of output pixel (a, b) of an out × out image, per the spec's
 * order of operations (§4.6: region, then size, then mirror, then clockwise rotation about the
 * centre, the result being the bounding box of the turned image); null when the pixel lies in the
 * background around a turned image.
 */
export function sourcePoint(g: Geometry, out: { width: number; height: number }, a: number, b: number): { x: number; y: number } | null {
  const rad = (g.degrees * Math.PI) / 180;
  const cos = Math.cos(rad), sin = Math.sin(rad);
  const dx = a + 0.5 - out.width / 2, dy = b + 0.5 - out.height / 2;
  // Undo a clockwise turn (y grows downward): rotate by -θ.
  let p = cos * dx + sin * dy + g.size.width / 2;
  const q = -sin * dx + cos * dy + g.size.height / 2;
  if (p < 0 || q < 0 || p > g.size.width || q > g.size.height) return null;
  if (g.mirror) p = g.size.width - p;
  return { x: g.region.x + (p * g.region.width) / g.size.width, y: g.region.y + (q * g.region.height) / g.size.height };
}

/** The output pixel showing source point (x, y): the inverse of sourcePoint; null when it falls outside. */
export function outputPixel(g: Geometry, out: { width: number; height: number }, x: number, y: number): { a: number; b: number } | null {
  let p = ((x - g.region.x) * g.size.width) / g.region.width;
  const q = ((y - g.region.y) * g.size.height) / g.region.height;
  if (g.mirror) p = g.size.width - p;
  const rad = (g.degrees * Math.PI) / 180;
  const cos = Math.cos(rad), sin = Math.sin(rad);
  const dx = p - g.size.width / 2, dy = q - g.size.height / 2;
  const a = Math.floor(cos * dx - sin * dy + out.width / 2), b = Math.floor(sin * dx + cos * dy + out.height / 2);
  return a >= 0 && b >= 0 && a < out.width && b < out.height ? { a, b } : null;
}

/** Size of the bounding box of a w × h image turned clockwise by `degrees` (before rounding). */
export function rotatedBox(width: number, height: number, degrees: number): { width: number; height: number } {
  const rad = (degrees * Math.PI) / 180;
  const c = Math.abs(Math.cos(rad)), s = Math.abs(Math.sin(rad));
  return { width: width * c + height * s, height: width * s + height * c };
}

/** A decoded response: every pixel as RGBA whatever the channels sent. */
export interface Decoded {
  width: number;
  height: number;
  channels: number;
  format: string | undefined;
  hasAlpha: boolean;
  pixel(a: number, b: number): [number, number, number, number];
}

/** Decodes an image body with sharp (JPEG, PNG, WebP; gray and alpha kept as sent). */
export async function decode(body: Buffer): Promise<Decoded> {
  const meta = await sharp(body).metadata();
  const { data, info } = await sharp(body).raw().toBuffer({ resolveWithObject: true });
  const n = info.channels;
  return {
    width: info.width,
    height: info.height,
    channels: n,
    format: meta.format,
    hasAlpha: n === 2 || n === 4,
    pixel(a, b) {
      const o = (b * info.width + a) * n;
      if (n <= 2) return [data[o]!, data[o]!, data[o]!, n === 2 ? data[o + 1]! : 255];
      return [data[o]!, data[o + 1]!, data[o + 2]!, n === 4 ? data[o + 3]! : 255];
    },
  };
}

export interface PatternCheck {
  checked: number;
  /** The first few disagreements, described for a failure message. */
  mismatches: string[];
  mismatchCount: number;
}

/** Every colour the picture holds: its squares' and the mark's. */
function palette(p: GridPattern): Rgb[] {
  const colours: Rgb[] = [MARK_COLOUR];
  for (let column = 0; column < p.cols; column++) for (let row = 0; row < p.rows; row++) colours.push(squareColour(p, column, row));
  return colours;
}

const distance = (a: Rgb, b: readonly number[]) => (a[0] - b[0]!) ** 2 + (a[1] - b[1]!) ** 2 + (a[2] - b[2]!) ** 2;

export interface CheckOptions {
  /** Largest difference allowed in any channel. */
  tolerance: number;
  /**
   * Lossy pixels (JPEG, WebP, or a pyramid kept as JPEG): a pixel also passes when, within
   * `tolerance`, its nearest colour in the picture is the expected one (so it is the right square,
   * not its neighbour), and edges count from further away, chroma being blurred over blocks.
   */
  lossy?: boolean;
  samples?: number;
}

/**
 * Samples an n × n grid of output pixels, plus the middle and mark of every square shown, and
 * compares each with the pattern's colour at the source point it shows. Points near an edge in the
 * picture are skipped (3 output pixels, 6 when lossy, never so far that a square's middle is lost).
 * The strict per-channel limit is `tolerance` (12 when lossy; see CheckOptions.lossy).
 */
export function checkAgainstPattern(p: GridPattern, g: Geometry, image: Decoded, options: CheckOptions): PatternCheck {
  const n = options.samples ?? 24;
  const scale = Math.max(g.region.width / g.size.width, g.region.height / g.size.height);
  // Marks too small for the margin are simply never sampled; squares always keep a centre to check.
  const margin = Math.min((options.lossy ? 6 : 3) * scale + 1.5, p.square / 2 - scale);
  const colours = options.lossy ? palette(p) : [];
  const result: PatternCheck = { checked: 0, mismatches: [], mismatchCount: 0 };
  const points: { a: number; b: number }[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      points.push({ a: Math.min(image.width - 1, Math.floor(((i + 0.5) * image.width) / n)), b: Math.min(image.height - 1, Math.floor(((j + 0.5) * image.height) / n)) });
    }
  }
  // However small the squares come out, each one's middle and its mark are looked at.
  for (let column = 0; column < p.cols; column++) {
    for (let row = 0; row < p.rows; row++) {
      for (const [fu, fv] of [[0.5, 0.5], [0.6, 0.6], [p.mark / p.square / 2, p.mark / p.square / 2]] as const) {
        const point = outputPixel(g, image, (column + fu) * p.square, (row + fv) * p.square);
        if (point) points.push(point);
      }
    }
  }
  for (const { a, b } of points) {
    const source = sourcePoint(g, image, a, b);
    if (!source) continue;
    const expected = expectedColourAt(p, source.x, source.y, margin);
    if (!expected) continue;
    result.checked++;
    const actual = image.pixel(a, b);
    const diff = Math.max(...expected.map((e, k) => Math.abs(e - actual[k]!)));
    const strict = options.lossy ? 12 : options.tolerance;
    const nearest = options.lossy && diff <= options.tolerance && colours.every((c) => distance(c, expected) === 0 || distance(c, actual) > distance(expected, actual));
    if (diff > strict && !nearest) {
      result.mismatchCount++;
      if (result.mismatches.length < 5) {
        result.mismatches.push(`output (${a},${b}) shows source (${source.x.toFixed(1)},${source.y.toFixed(1)}): expected rgb(${expected.join(',')}), got rgb(${actual.slice(0, 3).join(',')})`);
      }
    }
  }
  return result;
}

/** The tiles of an image per the spec's implementation notes (§3, integer arithmetic): region and size of each. */
export function tileRequests(width: number, height: number, tile: { width: number; height: number }, scaleFactor: number): { region: Rect; size: { width: number; height: number } }[] {
  const s = scaleFactor, tw = tile.width, th = tile.height;
  const tiles: { region: Rect; size: { width: number; height: number } }[] = [];
  for (let m = 0; m * th * s < height; m++) {
    for (let n = 0; n * tw * s < width; n++) {
      const xr = n * tw * s, yr = m * th * s;
      const wr = xr + tw * s > width ? width - xr : tw * s;
      const hr = yr + th * s > height ? height - yr : th * s;
      const ws = xr + tw * s > width ? Math.floor((width - xr + s - 1) / s) : tw;
      const hs = yr + th * s > height ? Math.floor((height - yr + s - 1) / s) : th;
      tiles.push({ region: { x: xr, y: yr, width: wr, height: hr }, size: { width: ws, height: hs } });
    }
  }
  return tiles;
}
