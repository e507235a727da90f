import { imageFormatOfMediaType } from '../media/file-kind.js';
import type { PdqTransform } from './pdq/pdq.js';
import type { TransformNote } from './protect-contract.js';

export type { TransformNote };

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
const DIHEDRAL: Record<PdqTransform, TransformNote['code'] | null> = {
  original: null,
  rot90: 'turned_cw',
  rot180: 'turned_180',
  rot270: 'turned_ccw',
  flipX: 'flipped',
  flipY: 'mirrored',
  flipPlus1: 'transposed',
  flipMinus1: 'transposed',
};

/**
 * The transformations a suspect copy most likely went through, from the matched variant, the sizes
 * and the formats. A guess, stated as one: evidence reports quote it as such.
 */
export function guessTransformNotes(facts: MatchFacts): TransformNote[] {
  if (facts.identicalBytes) return [{ code: 'identical' }];
  const out: TransformNote[] = [];
  const turn = DIHEDRAL[facts.queryTransform];
  if (turn) out.push({ code: turn } as TransformNote);
  if (facts.unframed) out.push({ code: 'framed_plain' });
  if (facts.tilt) out.push({ code: 'tilted', value: Math.abs(facts.tilt) });
  if (facts.blockAgreement != null) out.push({ code: 'overlay', value: Math.round(facts.blockAgreement * 100) });
  const cropPercent = Math.round(facts.cropPerSide * 100);
  if (cropPercent > 0) out.push({ code: 'cropped', value: cropPercent });
  else if (cropPercent < 0) out.push({ code: 'bordered', value: -cropPercent });
  if (facts.original) {
    // Compare sizes in the original's orientation and over the part of it that was kept.
    const swapped = ['rot90', 'rot270', 'flipPlus1', 'flipMinus1'].includes(facts.queryTransform);
    const width = swapped ? facts.suspect.height : facts.suspect.width;
    const height = swapped ? facts.suspect.width : facts.suspect.height;
    const kept = 1 - 2 * facts.cropPerSide;
    const scaleX = width / (facts.original.width * kept);
    const scaleY = height / (facts.original.height * kept);
    const scale = Math.sqrt(scaleX * scaleY);
    if (Math.abs(scaleX / scaleY - 1) > 0.03) out.push({ code: cropPercent === 0 ? 'stretched' : 'proportions_changed' });
    if (scale < 0.97) out.push({ code: 'downscaled', value: Math.round(scale * 100) });
    else if (scale > 1.03) out.push({ code: 'upscaled', value: Math.round(scale * 100) });
    const originalFormat = imageFormatOfMediaType(facts.original.mediaType);
    if (originalFormat && originalFormat !== facts.suspect.format) out.push({ code: 're_encoded', value: facts.suspect.format.toUpperCase() });
  }
  if (out.length === 0) out.push({ code: facts.distance === 0 ? 'resaved_same' : 'resaved_edited' });
  return out;
}

/** A note in plain English (the CLI, JSON bundles; the UI translates the codes itself). */
export function transformPhrase(note: TransformNote): string {
  switch (note.code) {
    case 'identical': return 'identical copy (the same bytes)';
    case 'turned_cw': return 'rotated 90° clockwise';
    case 'turned_180': return 'rotated 180°';
    case 'turned_ccw': return 'rotated 90° counter-clockwise';
    case 'flipped': return 'flipped upside down';
    case 'mirrored': return 'mirrored left to right';
    case 'transposed': return 'transposed (turned and mirrored)';
    case 'framed_plain': return 'framed with a plain border (as in a screenshot)';
    case 'tilted': return `tilted by about ${note.value}°`;
    case 'overlay': return `partly covered (text, a logo or other overlay): ${note.value}% of its detailed areas match block by block`;
    case 'cropped': return `cropped, about ${note.value}% from each side`;
    case 'bordered': return `framed with a border about ${note.value}% wide`;
    case 'stretched': return 'cropped, padded or stretched (the proportions changed)';
    case 'proportions_changed': return 'proportions changed';
    case 'downscaled': return `downscaled to about ${note.value}%`;
    case 'upscaled': return `upscaled to about ${note.value}%`;
    case 're_encoded': return `re-encoded as ${note.value}`;
    case 'resaved_same': return 'the same picture, re-saved';
    case 'resaved_edited': return 're-saved or lightly edited (compression, colour or small overlays)';
  }
}

/** The likely transformations in plain English words. */
export function guessTransforms(facts: MatchFacts): string[] {
  return guessTransformNotes(facts).map(transformPhrase);
}

/** Both forms, as scan results carry them. */
export function describeTransforms(facts: MatchFacts): { transforms: string[]; transformNotes: TransformNote[] } {
  const transformNotes = guessTransformNotes(facts);
  return { transforms: transformNotes.map(transformPhrase), transformNotes };
}
