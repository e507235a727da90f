import { describe, expect, it } from 'vitest';
import { changedFields, withDerivedYears } from './work-facets.js';

describe('changedFields', () => {
  const stored = {
    title: { 'zh-Hans': '溪山行旅图', en: 'Travellers among Mountains and Streams ' },
    date: { display: { en: 'Northern Song' }, earliest: 960, latest: 1127 },
    creators: [{ name: { en: 'Fan Kuan' }, role: 'artist' }],
    subjects: [],
    classification: {},
  };

  it('ignores key order, empty values and surrounding whitespace, as an edit form sends them back', () => {
    const resent = {
      classification: {},
      creators: [{ role: 'artist', name: { en: 'Fan Kuan', 'zh-Hant': '' } }],
      date: { latest: 1127, earliest: 960, display: { en: 'Northern Song' } },
      title: { en: 'Travellers among Mountains and Streams', 'zh-Hans': '溪山行旅图' },
      description: { en: '  ' },
    };
    expect(changedFields(stored, resent)).toEqual([]);
  });

  it('names exactly the fields whose content changed', () => {
    const edited = { ...stored, date: { ...stored.date, latest: 1100 }, medium: { en: 'ink on silk' }, creators: [{ name: { en: 'Fan Kuan' }, role: 'attributed' }] };
    expect(changedFields(stored, edited)).toEqual(['creators', 'date', 'medium']);
  });

  it('treats a field removed as changed, and an order change inside a list as a change', () => {
    const { date: _date, ...withoutDate } = stored;
    expect(changedFields(stored, withoutDate)).toEqual(['date']);
    const a = { subjects: [{ en: 'mountains' }, { en: 'travel' }] };
    expect(changedFields(a, { subjects: [{ en: 'travel' }, { en: 'mountains' }] })).toEqual(['subjects']);
  });
});

describe('withDerivedYears', () => {
  const base = { title: { en: 'x' }, creators: [], subjects: [], inscriptions: [], classification: {}, notes: [], annotations: [] };
  it('fills the year range of a date typed only as text, in any language', () => {
    expect(withDerivedYears({ ...base, date: { display: { 'zh-Hans': '明 永乐年间' } } }).date).toEqual({ display: { 'zh-Hans': '明 永乐年间' }, earliest: 1403, latest: 1424 });
  });
  it('keeps years given, and text it cannot read', () => {
    expect(withDerivedYears({ ...base, date: { display: { en: 'Ming' }, earliest: 1500 } }).date).toEqual({ display: { en: 'Ming' }, earliest: 1500 });
    expect(withDerivedYears({ ...base, date: { display: { en: 'unknown' } } }).date).toEqual({ display: { en: 'unknown' } });
  });
});
