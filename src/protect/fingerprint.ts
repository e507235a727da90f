import { AppError, notice, type Notice } from '../platform/errors.js';
import { lumaGrid } from './block-check.js';
import { contentBox, cropLuma } from './borders.js';
import { dihedralLuma, medianLuma, rotateLuma, shrinkLuma } from './luma-geometry.js';
import { readImageForHashing, type HashableImage } from './image-input.js';
import { isccForImageFile, type ImageFileIscc } from './iscc/image-file.js';
import { centralCrop, PDQ_MIN_QUALITY, PDQ_TRANSFORMS, pdqDihedralHashes, pdqOfCentralCrop, type PdqTransform } from './pdq/pdq.js';

/**
 * Central crops (fraction cut from each side) whose PDQ hashes are stored beside the whole image's.
 * PDQ moves 50–100 bits under a 5 % crop, so one stored crop covers only crops close to its own;
 * a step of 5 % covers the usual "trim the borders" crops up to 20 %.
 */
export const STORED_CROPS = [0.05, 0.1, 0.15, 0.2] as const;

/**
 * Crops of a suspect image that a scan hashes too. A suspect cut by x from each side, cut again by
 * y, shows the original cut by about x + y, so these fill the gaps between the stored crops: PDQ
 * tolerates about 1 % of crop difference (median 22 bits), and stored 5 % steps plus these 1 %
 * steps cover every symmetric crop from 0 to 24 % within about half a step.
 */
export const QUERY_CROPS = [0, 0.01, 0.02, 0.03, 0.04] as const;

/**
 * Tilts a scan tries to undo, in degrees, each with the central crops (fraction per side) that cut
 * away the corners the tilt filled: PDQ moves too much under a tilt of 2° or more to match as is.
 */
export const QUERY_TILTS: readonly { degrees: number; crops: readonly number[] }[] = [1, 2, 3, 4, 5, 6].flatMap((d) => {
  const crops = d <= 3 ? [0.05, 0.1] : [0.1, 0.15];
  return [{ degrees: d, crops }, { degrees: -d, crops }];
});

/** One PDQ hash a scan searches for: a dihedral variant of the suspect, or of one of its central crops. */
export interface ScanQuery {
  transform: PdqTransform;
  cropPerSide: number;
  /** The tilt undone before hashing (degrees the suspect is turned counter-clockwise), 0 if none. */
  tilt: number;
  /** The share of the suspect's width and height that was hashed: below 1 when a uniform frame (screenshot padding, a mat) was cut away first. */
  picture: { width: number; height: number };
  hash: string;
  /** For whole-picture queries: the turned picture as a 64 × 64 grid, to check near misses block by block. */
  grid?: Float32Array;
  /**
   * A hash of the picture with thin strokes filtered out (captions, logos laid over it): searched only
   * for near misses, which its `grid` — the unfiltered picture's — must then confirm block by block.
   */
  nearMissOnly?: true;
}

/**
 * Median radius, as a share of the short side, of the overlay-suppressed query: ~4 % windows erase
 * caption strokes. On the shared images with the suite's caption overlay it brings PDQ from a mean
 * of 34 bits (max 66) to 27 (max 52) away from the stored original.
 */
const OVERLAY_MEDIAN_RADIUS = 0.022;

/**
 * The hashes a scan searches for a suspect: every dihedral variant of it and of its QUERY_CROPS
 * crops, and the same again for the picture inside a uniform frame when it has one.
 */
export function scanQueries(image: HashableImage): ScanQuery[] {
  const queries = queriesOf(image.luma, image.width, image.height, { width: 1, height: 1 });
  const box = contentBox(image.luma, image.width, image.height);
  if (box) queries.push(...queriesOf(cropLuma(image.luma, image.width, box), box.width, box.height, { width: box.width / image.width, height: box.height / image.height }));
  const small = shrinkLuma(image.luma, image.width, image.height, 512);
  const radius = Math.max(2, Math.round(OVERLAY_MEDIAN_RADIUS * Math.min(small.width, small.height)));
  queries.push({
    transform: 'original', cropPerSide: 0, tilt: 0, picture: { width: 1, height: 1 }, nearMissOnly: true,
    hash: pdqOfCentralCrop(medianLuma(small.luma, small.width, small.height, radius), small.width, small.height, 0).hex,
    grid: queries[0]!.grid!,
  });
  // Tilted copies: turned back on a reduced plane, cropped inside the filled corners, upright only.
  for (const { degrees, crops } of QUERY_TILTS) {
    const turned = rotateLuma(small.luma, small.width, small.height, -degrees);
    for (const cropPerSide of crops) {
      const crop = centralCrop(turned, small.width, small.height, cropPerSide);
      queries.push({ transform: 'original', cropPerSide, tilt: degrees, picture: { width: 1, height: 1 }, hash: pdqOfCentralCrop(crop.luma, crop.width, crop.height, 0).hex });
    }
  }
  return queries;
}

/**
 * Every dihedral variant of the picture and of its QUERY_CROPS crops. The whole picture's variants
 * come from turned pixels (exact); the crops' from the DCT (cheap, and within their own tolerance).
 */
function queriesOf(luma: Float32Array, width: number, height: number, picture: ScanQuery['picture']): ScanQuery[] {
  const whole = PDQ_TRANSFORMS.map((transform) => {
    const turned = dihedralLuma(luma, width, height, transform);
    return { transform, cropPerSide: 0, tilt: 0, picture, hash: pdqOfCentralCrop(turned.luma, turned.width, turned.height, 0).hex, grid: lumaGrid(turned.luma, turned.width, turned.height) };
  });
  return [
    ...whole,
    ...QUERY_CROPS.filter((c) => c > 0).flatMap((cropPerSide) => {
      const crop = centralCrop(luma, width, height, cropPerSide);
      return pdqDihedralHashes(crop.luma, crop.width, crop.height).variants.map((v) => ({ transform: v.transform, cropPerSide, tilt: 0, picture, hash: v.hex }));
    }),
  ];
}


/** Everything Wenyuan computes to recognise an image again (`wenyuan fingerprint --json` prints it). */
export interface ImageFingerprint {
  pdq: { hash: string; quality: number };
  /** The eight rotations and mirrors of the PDQ hash, so turned and flipped copies match too. */
  variants: { transform: PdqTransform; hash: string }[];
  /** PDQ of central crops: `cropPerSide` is the fraction cut from each side. */
  crops: { cropPerSide: number; hash: string }[];
  /**
   * For images with transparency: the whole image and the same crops flattened onto black instead
   * of white (copies re-saved as JPEG end up on either), so both kinds of copy match.
   */
  onBlack?: { cropPerSide: number; hash: string }[];
  /** ISCC (ISO 24138) codes; null when they could not be made (the reason is in `warnings`). */
  iscc: ImageFileIscc | null;
  /** False when the image is too flat for its PDQ hash to mean anything (quality below 50). */
  matchable: boolean;
  width: number;
  height: number;
  pages: number;
  format: string;
  /** In English (CLI, logs); `notices` says the same with message keys for the interface. */
  warnings: string[];
  notices: Notice[];
  /** With `scanQueries`: the hashes a scan searches (every dihedral variant of the image and of its QUERY_CROPS crops). */
  queries?: ScanQuery[];
}

/**
 * Fingerprints an image file: PDQ with its dihedral variants and central crops, plus ISCC codes.
 * Refuses (AppError) files that are not decodable images, too small or too large; flat images get
 * a fingerprint with `matchable: false` rather than an error, so the caller can say so.
 */
export async function fingerprintImage(file: string, options: { maxPixels: number; name?: string | null; scanQueries?: boolean }): Promise<ImageFingerprint> {
  const image = await readImageForHashing(file, { maxPixels: options.maxPixels });
  const { quality, variants } = pdqDihedralHashes(image.luma, image.width, image.height);
  const notices: Notice[] = [];
  if (image.pages > 1) notices.push(notice('notice.first_frame_only', `the file has ${image.pages} frames or pages; only the first was fingerprinted`, { pages: image.pages }));
  const matchable = quality >= PDQ_MIN_QUALITY;
  if (!matchable) notices.push(notice('notice.too_flat', `PDQ quality ${quality} is below ${PDQ_MIN_QUALITY}: the image is too flat or featureless to match reliably`, { quality, minimum: PDQ_MIN_QUALITY }));
  let iscc: ImageFileIscc | null = null;
  try {
    // One decode serves both hashers where the pixels PDQ read are exactly ISCC's (no alpha, profile or shrink).
    const pixels = image.plainDecode ? { data: image.rgb, width: image.width, height: image.height, channels: 3 } : undefined;
    iscc = await isccForImageFile(file, { name: options.name ?? null, maxPixels: options.maxPixels, pixels });
  } catch (error) {
    notices.push(notice('notice.no_iscc', `ISCC codes could not be made: ${error instanceof AppError ? error.message : String(error)}`));
  }
  const warnings = notices.map((n) => n.message);
  const queries = options.scanQueries ? scanQueries(image) : undefined;
  let onBlack: ImageFingerprint['onBlack'];
  if (image.hasAlpha && !options.scanQueries) {
    const black = await readImageForHashing(file, { maxPixels: options.maxPixels, background: 'black' });
    const whole = pdqDihedralHashes(black.luma, black.width, black.height).variants[0]!.hex;
    // An alpha channel that is fully opaque gives the same hashes: nothing more to store.
    if (whole !== variants[0]!.hex) {
      onBlack = [{ cropPerSide: 0, hash: whole }, ...STORED_CROPS.map((cropPerSide) => ({ cropPerSide, hash: pdqOfCentralCrop(black.luma, black.width, black.height, cropPerSide).hex }))];
    }
  }
  return {
    ...(queries ? { queries } : {}),
    pdq: { hash: variants[0]!.hex, quality },
    variants: variants.map((v) => ({ transform: v.transform, hash: v.hex })),
    crops: STORED_CROPS.map((cropPerSide) => ({ cropPerSide, hash: pdqOfCentralCrop(image.luma, image.width, image.height, cropPerSide).hex })),
    ...(onBlack ? { onBlack } : {}),
    iscc,
    matchable,
    width: image.originalWidth,
    height: image.originalHeight,
    pages: image.pages,
    format: image.format,
    warnings,
    notices,
  };
}

/**
 * The fingerprint lines a registry entry carries for an image: `pdq:<hex>` when the hash is worth
 * matching on (null for flat images), `iscc:<code>` without its `ISCC:` prefix.
 */
export function registryFingerprints(pdqHex: string | null, isccCode: string | null): string[] {
  const out: string[] = [];
  if (pdqHex) out.push(`pdq:${pdqHex}`);
  if (isccCode) out.push(`iscc:${isccCode.replace(/^ISCC:/, '')}`);
  return out;
}
