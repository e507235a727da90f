import { describe, expect, it } from 'vitest';
import {
  annotationForQuery,
  annotationMatches,
  annotationProblems,
  annotationSummary,
  fromAnnotationDraft,
  layerInitiallyOn,
  newAnnotationId,
  refusedFields,
  toAnnotationDraft,
  withAnnotation,
  withoutAnnotation,
  type Annotation,
} from './AnnotationModel';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const seal: Annotation = {
  id: 'aseal0001',
  type: 'seal',
  file: B,
  region: { x: 10, y: 20, width: 30, height: 40 },
  transcription: '文徵明印',
  transcriptionLanguage: 'zh-Hant',
  translation: { en: 'Seal of Wen Zhengming', 'zh-Hans': '文征明印' },
  owner: { name: { 'zh-Hant': '文徵明', en: 'Wen Zhengming' }, uri: 'https://www.wikidata.org/wiki/Q704981' },
};
const colophon: Annotation = { id: 'acolo0001', type: 'colophon', file: A, region: { x: 0, y: 0, width: 5, height: 5 }, note: { en: 'Written by Dong Qichang in 1620' } };

/** A fixed sequence of "random" numbers, as the pure functions take randomness. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('newAnnotationId', () => {
  it('is a followed by 8 base-36 characters, within the server rule', () => {
    const id = newAnnotationId(sequence(0, 0.5, 0.999999, 0.1, 0.2, 0.3, 0.4, 0.6));
    expect(id).toBe('a0iz37ael');
    expect(id).toMatch(/^a[0-9a-z]{8}$/);
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
  });

  it('draws again when the id is taken', () => {
    const random = sequence(0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5);
    expect(newAnnotationId(random, new Set(['a00000000']))).toBe('aiiiiiiii');
  });
});

describe('the annotation form', () => {
  const draft = toAnnotationDraft(seal);

  it('round-trips an annotation through its draft', () => {
    expect(fromAnnotationDraft(draft, seal.id)).toEqual(seal);
  });

  it('leaves empty fields out, and the language when there is no transcription', () => {
    const bare = fromAnnotationDraft({ ...toAnnotationDraft({ file: A, region: { x: 1, y: 2, width: 3, height: 4 } }), transcriptionLanguage: 'lzh', note: { en: '  ' } }, 'anew00000');
    expect(bare).toEqual({ id: 'anew00000', type: 'seal', file: A, region: { x: 1, y: 2, width: 3, height: 4 } });
  });

  it('accepts a good draft', () => {
    expect(annotationProblems(draft, { width: 100, height: 100 })).toEqual([]);
  });

  it('refuses a region under one pixel or not in whole pixels', () => {
    expect(annotationProblems({ ...draft, width: '0' }, null)).toEqual(['regionInvalid']);
    expect(annotationProblems({ ...draft, x: '1.5' }, null)).toEqual(['regionInvalid']);
    expect(annotationProblems({ ...draft, y: '' }, null)).toEqual(['regionInvalid']);
  });

  it('refuses a region outside the image when its size is known', () => {
    expect(annotationProblems({ ...draft, x: '80' }, { width: 100, height: 100 })).toEqual(['regionOutside']);
    expect(annotationProblems({ ...draft, x: '80' }, null)).toEqual([]);
  });

  it('refuses an authority link that is not http(s), and a link without a name', () => {
    expect(annotationProblems({ ...draft, ownerUri: 'javascript:alert(1)' }, null)).toEqual(['uriInvalid']);
    expect(annotationProblems({ ...draft, ownerUri: 'ftp://example.org/x' }, null)).toEqual(['uriInvalid']);
    expect(annotationProblems({ ...draft, ownerName: { 'zh-Hans': '', 'zh-Hant': '', en: '' } }, null)).toEqual(['ownerNameRequired']);
  });

  it('refuses a language that is not a tag', () => {
    expect(annotationProblems({ ...draft, transcriptionLanguage: 'Classical Chinese' }, null)).toEqual(['languageInvalid']);
    expect(annotationProblems({ ...draft, transcriptionLanguage: 'lzh' }, null)).toEqual([]);
  });
});

describe('the list of annotations', () => {
  it('adds, replaces and removes by id', () => {
    const list = withAnnotation([seal], colophon);
    expect(list.map((a) => a.id)).toEqual([seal.id, colophon.id]);
    expect(withAnnotation(list, { ...seal, type: 'signature' })[0]!.type).toBe('signature');
    expect(withoutAnnotation(list, seal.id)).toEqual([colophon]);
  });

  it('names the fields the server refused for one annotation', () => {
    const details = [
      { field: 'annotations.1.region', key: 'validation.custom' },
      { field: 'metadata.annotations.1.owner.uri', key: 'validation.invalid_format' },
      { field: 'annotations.0.file' },
      { field: 'title' },
    ];
    expect(refusedFields(details, 1)).toEqual(['region', 'owner.uri']);
    expect(refusedFields(details, 0)).toEqual(['file']);
    expect(refusedFields(null, 0)).toEqual([]);
  });

  it('summarises an annotation by its transcription, else its owner, translation or note', () => {
    expect(annotationSummary(seal, 'en')).toBe('文徵明印');
    expect(annotationSummary({ ...seal, transcription: undefined }, 'en')).toBe('Wen Zhengming');
    expect(annotationSummary(colophon, 'en', 10)).toBe('Written b…');
  });
});

describe('search points at an annotation', () => {
  it('matches transcription, translation, owner and note, ignoring case and full-width forms', () => {
    expect(annotationMatches(seal, '徵明')).toBe(true);
    expect(annotationMatches(seal, 'WEN zhengming')).toBe(true);
    expect(annotationMatches(seal, 'ｗｅｎ')).toBe(true);
    expect(annotationMatches(colophon, 'dong qichang')).toBe(true);
    expect(annotationMatches(colophon, 'wen')).toBe(false);
    expect(annotationMatches(seal, '  ')).toBe(false);
  });

  it('matches every word of a query when the whole query is not found', () => {
    expect(annotationMatches(colophon, '1620 Dong')).toBe(true);
    expect(annotationMatches(colophon, '1620 Wen')).toBe(false);
  });

  it('does not fold simplified and traditional characters (no table in the client)', () => {
    expect(annotationMatches({ ...seal, translation: undefined, owner: undefined }, '文征明')).toBe(false);
  });

  it('finds the first match in reading order of the images', () => {
    const onA = { ...seal, id: 'aseal0002', file: A };
    expect(annotationForQuery([seal, onA], 'Wen', [A, B])?.id).toBe('aseal0002');
    expect(annotationForQuery([seal, onA], 'Wen', [B, A])?.id).toBe(seal.id);
    expect(annotationForQuery([seal], null, [A, B])).toBeNull();
    expect(annotationForQuery([seal], 'nothing like it', [A, B])).toBeNull();
  });
});

describe('the layer switch', () => {
  it('follows the reader’s remembered choice, else is on for editors and off for visitors', () => {
    expect(layerInitiallyOn(null, false)).toBe(false);
    expect(layerInitiallyOn(null, true)).toBe(true);
    expect(layerInitiallyOn('1', false)).toBe(true);
    expect(layerInitiallyOn('0', true)).toBe(false);
  });
});
