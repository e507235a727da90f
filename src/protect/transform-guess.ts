import { imageFormatOfMediaType } from '../media/file-kind.js';
import type { PdqTransform } from './pdq/pdq.js';

/** What is known about a suspect copy and the stored image it matched. */
export interface MatchFacts {
  /** Which dihedral variant of the suspect's hash matched (`original` = as found). */
  queryTransform: PdqTransform;
  /** Which stored hash it matched: 0 = the whole image, else a central crop (fraction cut from each side). */
  cropPerSide: number;
  distance: number;
  /** The match was found after cutting away the suspect's uniform frame. */
  unframed?: boolean;
  /** The match was found after turning the suspect back by this many degrees. */
  tilt?: number;
  /** Past the PDQ radius but confirmed block by block: the share of blocks that agree. */
  blockAgreement?: number | null;
  identicalBytes: boolean;
  suspect: { width: number; height: number; format: string };
  original: { width: number; height: number; mediaType: string } | null;
}

// PDQ's rot90 turns counter-clockwise: if turning the suspect 90° counter-clockwise gives the
// original, the suspect is the original turned 90° clockwise.
const DIHEDRAL: Record<PdqTransform, string | null> = {
  original: null,
  rot90: 'rotated 90° clockwise',
  rot180: 'rotated 180°',
  rot270: 'rotated 90° counter-clockwise',
  flipX: 'flipped upside down',
  flipY: 'mirrored left to right',
  flipPlus1: 'transposed (turned and mirrored)',
  flipMinus1: 'transposed (turned and mirrored)',
};


/**
 * The transformations a suspect copy most likely went through, in plain words, from the matched
 * variant, the sizes and the formats. A guess, stated as one: evidence reports quote it as such.
 */
export function guessTransforms(facts: MatchFacts): string[] {
  if (facts.identicalBytes) return ['identical copy (the same bytes)'];
  const out: string[] = [];
  const turn = DIHEDRAL[facts.queryTransform];
  if (turn) out.push(turn);
  if (facts.unframed) out.push('framed with a plain border (as in a screenshot)');
  if (facts.tilt) out.push(`tilted by about ${Math.abs(facts.tilt)}°`);
  if (facts.blockAgreement != null) out.push(`partly covered (text, a logo or other overlay): ${Math.round(facts.blockAgreement * 100)}% of its detailed areas match block by block`);
  const cropPercent = Math.round(facts.cropPerSide * 100);
  if (cropPercent > 0) out.push(`cropped, about ${cropPercent}% from each side`);
  else if (cropPercent < 0) out.push(`framed with a border about ${-cropPercent}% wide`);
  if (facts.original) {
    // Compare sizes in the original's orientation and over the part of it that was kept.
    const swapped = ['rot90', 'rot270', 'flipPlus1', 'flipMinus1'].includes(facts.queryTransform);
    const width = swapped ? facts.suspect.height : facts.suspect.width;
    const height = swapped ? facts.suspect.width : facts.suspect.height;
    const kept = 1 - 2 * facts.cropPerSide;
    const scaleX = width / (facts.original.width * kept);
    const scaleY = height / (facts.original.height * kept);
    const scale = Math.sqrt(scaleX * scaleY);
    if (Math.abs(scaleX / scaleY - 1) > 0.03) out.push(cropPercent === 0 ? 'cropped, padded or stretched (the proportions changed)' : 'proportions changed');
    if (scale < 0.97) out.push(`downscaled to about ${Math.round(scale * 100)}%`);
    else if (scale > 1.03) out.push(`upscaled to about ${Math.round(scale * 100)}%`);
    const originalFormat = imageFormatOfMediaType(facts.original.mediaType);
    if (originalFormat && originalFormat !== facts.suspect.format) out.push(`re-encoded as ${facts.suspect.format.toUpperCase()}`);
  }
  if (out.length === 0) out.push(facts.distance === 0 ? 'the same picture, re-saved' : 're-saved or lightly edited (compression, colour or small overlays)');
  return out;
}
