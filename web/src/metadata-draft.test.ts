import { describe, expect, it } from 'vitest';
import { draftProblems, fromDraft, toDraft } from './metadata-draft';
import type { WorkDetail } from './types';

const work = {
  id: 'w1',
  version: 1,
  visibility: 'public',
  collectionId: null,
  downloadPolicy: null,
  metadata: { title: { 'zh-Hans': '西湖图' }, creators: [], subjects: [], inscriptions: [], notes: [], classification: {}, annotations: [], geo: { lat: 30.25, lon: 120.14 } },
} as unknown as WorkDetail;

describe('coordinates in the metadata draft', () => {
  it('start from the record and go back unchanged', () => {
    const draft = toDraft(work);
    expect([draft.lat, draft.lon]).toEqual(['30.25', '120.14']);
    expect(fromDraft(draft, work.metadata).geo).toEqual({ lat: 30.25, lon: 120.14 });
  });

  it('are dropped when both are cleared', () => {
    const draft = { ...toDraft(work), lat: ' ', lon: '' };
    expect(draftProblems(draft)).toEqual([]);
    expect('geo' in fromDraft(draft, work.metadata)).toBe(false);
  });

  it('are a problem when only one is given or one is out of range', () => {
    for (const [lat, lon] of [['30.25', ''], ['', '120'], ['91', '120'], ['30', '-181'], ['north', '120']]) {
      expect(draftProblems({ ...toDraft(work), lat: lat!, lon: lon! }), `${lat},${lon}`).toEqual(['geoInvalid']);
    }
    expect(draftProblems({ ...toDraft(work), lat: '-33.86', lon: '151.21' })).toEqual([]);
  });
});
