import { describe, expect, it } from 'vitest';
import { suspectCrop } from './scan.service.js';
import { describeTransforms, guessTransformNotes, guessTransforms, type MatchFacts } from './transform-guess.js';

const base: MatchFacts = {
  queryTransform: 'original',
  cropPerSide: 0,
  distance: 6,
  identicalBytes: false,
  suspect: { width: 768, height: 512, format: 'png' },
  original: { width: 768, height: 512, mediaType: 'image/png' },
};

describe('guessTransforms', () => {
  it('says the same bytes are an identical copy, and nothing else', () => {
    expect(guessTransforms({ ...base, identicalBytes: true, queryTransform: 'rot90' })).toEqual(['identical copy (the same bytes)']);
  });

  it('names turns and mirrors in the suspect’s direction (PDQ rot90 is counter-clockwise)', () => {
    expect(guessTransforms({ ...base, queryTransform: 'rot90', suspect: { ...base.suspect, width: 512, height: 768 } })).toEqual(['rotated 90° clockwise']);
    expect(guessTransforms({ ...base, queryTransform: 'rot270', suspect: { ...base.suspect, width: 512, height: 768 } })).toEqual(['rotated 90° counter-clockwise']);
    expect(guessTransforms({ ...base, queryTransform: 'flipY' })).toEqual(['mirrored left to right']);
  });

  it('measures scale over the part of the original that was kept, and notices a new format', () => {
    expect(guessTransforms({ ...base, suspect: { width: 384, height: 256, format: 'jpeg' } })).toEqual(['downscaled to about 50%', 're-encoded as JPEG']);
    // A 10 % crop from each side keeps 80 %: 614 × 410 px is that crop at full scale.
    expect(guessTransforms({ ...base, cropPerSide: 0.1, suspect: { width: 614, height: 410, format: 'png' } })).toEqual(['cropped, about 10% from each side']);
    expect(guessTransforms({ ...base, cropPerSide: -0.05 })).toContain('framed with a border about 5% wide');
    expect(guessTransforms({ ...base, suspect: { width: 768, height: 400, format: 'png' } })).toContain('cropped, padded or stretched (the proportions changed)');
  });

  it('reports tilts and frames, and falls back to a plain description', () => {
    expect(guessTransforms({ ...base, tilt: -3 })).toEqual(['tilted by about 3°']);
    expect(guessTransforms({ ...base, unframed: true })).toEqual(['framed with a plain border (as in a screenshot)']);
    expect(guessTransforms({ ...base, original: null })).toEqual(['re-saved or lightly edited (compression, colour or small overlays)']);
    expect(guessTransforms({ ...base, distance: 0 })).toEqual(['the same picture, re-saved']);
  });
});

describe('guessTransformNotes', () => {
  it('gives codes with their numbers, for the UI to phrase in the reader’s language', () => {
    expect(guessTransformNotes({ ...base, queryTransform: 'rot90', tilt: 2, blockAgreement: 0.814, suspect: { width: 256, height: 384, format: 'jpeg' } })).toEqual([
      { code: 'turned_cw' }, { code: 'tilted', value: 2 }, { code: 'overlay', value: 81 }, { code: 'downscaled', value: 50 }, { code: 're_encoded', value: 'JPEG' },
    ]);
    // The English phrases are the same notes, in order.
    const both = describeTransforms({ ...base, cropPerSide: 0.1, suspect: { width: 614, height: 410, format: 'png' } });
    expect(both.transformNotes).toEqual([{ code: 'cropped', value: 10 }]);
    expect(both.transforms).toEqual(['cropped, about 10% from each side']);
  });
});

describe('suspectCrop', () => {
  it('recovers the suspect’s own crop from the stored crop it matched and the crop the scan added', () => {
    expect(suspectCrop(0.1, 0)).toBeCloseTo(0.1);
    // Cut 7.5 %, then 2.7 % more of what was left, is the original cut 10 %.
    expect(suspectCrop(0.1, 0.025 / 0.85)).toBeCloseTo(0.075, 3);
    expect(suspectCrop(0, 0.03)).toBeLessThan(0); // the suspect shows more than the original: a border
  });
});
