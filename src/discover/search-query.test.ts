import { describe, expect, it } from 'vitest';
import { ftsQuery, tsQuery } from './catalogue.repository.js';
import { MAX_PARTS, parseQuery, type Match } from './search-query.js';

const THESAURUS = [
  ['国画', '中国画', 'Chinese painting'],
  ['书法', 'calligraphy'],
];

const flat = (m: Match): string => ('token' in m ? `${m.token}${m.prefix ? '*' : ''}` : 'any' in m ? `any(${m.any.map(flat).join(',')})` : `all(${m.all.map(flat).join(',')})`);

describe('parseQuery', () => {
  it('makes each Latin word itself or its stem (only the last, still being typed, a prefix), and each CJK run its bigrams', () => {
    expect(parseQuery('Paintings 溪山行旅').map((p) => flat(p.match))).toEqual(['any(paintings,paint)', '溪山', '山行', '行旅']);
    expect(parseQuery('Xī Shān Xíng Lǚ').map((p) => flat(p.match))).toEqual(['xi', 'shan', 'xing', 'lu*']);
    expect(parseQuery('travelers among mount').map((p) => flat(p.match))).toEqual(['any(travelers,traveler)', 'among', 'mount*']);
    // A query ending in Chinese has no word being typed in Latin letters.
    expect(parseQuery('fan kuan 溪山').map((p) => flat(p.match))).toEqual(['fan', 'kuan', '溪山']);
  });

  it('marks Latin words of five or more letters for typo tolerance', () => {
    expect(parseQuery('amnog fan 12345 travellers').map((p) => p.fuzzy ?? null)).toEqual(['amnog', null, null, 'travellers']);
  });

  it('expands a phrase the thesaurus knows into any of its group, in either script and any inflection', () => {
    for (const q of ['国画', '國畫', 'Chinese paintings']) {
      const parts = parseQuery(q, THESAURUS);
      expect(parts, q).toHaveLength(1);
      const text = flat(parts[0]!.match);
      for (const alternative of ['国画', 'all(中国,国画)', 'all(any(chinese,chines),any(painting']) expect(text, q).toContain(alternative);
    }
    // The longer variant wins inside a CJK run; the rest of the run stays required.
    expect(parseQuery('中国画山水', THESAURUS).map((p) => flat(p.match))).toEqual(['any(all(中国,国画),国画,all(any(chinese,chines),any(painting,paint)))', '山水']);
    expect(parseQuery('calligraphy', THESAURUS).map((p) => flat(p.match))).toEqual(['any(calligraphy*,书法)']);
    // The typed variant keeps its last word a prefix; the thesaurus's own variants are whole words.
    expect(parseQuery('Chinese paint', THESAURUS).map((p) => flat(p.match))).toEqual(['any(all(any(chinese,chines),paint*),国画,all(中国,国画))']);
  });

  it('finds nothing to search in punctuation, emoji or query syntax, and bounds long queries', () => {
    for (const q of ['', '   ', '!!!', '"*()-', '🙂🏯', '()*"^:']) expect(parseQuery(q), q).toEqual([]);
    expect(parseQuery('a '.repeat(5000)).length).toBeLessThanOrEqual(MAX_PARTS);
    expect(parseQuery(Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ')).length).toBe(MAX_PARTS);
  });

  it('renders for FTS5 and tsquery with operators only from the structure, never from what was typed', () => {
    const parts = parseQuery('NEAR(a b) OR "x" AND -y', THESAURUS);
    const match: Match = { all: parts.map((p) => p.match) };
    expect(ftsQuery(match)).toBe('("near" AND "a" AND "b" AND "or" AND "x" AND "and" AND "y"*)');
    expect(tsQuery(match)).toBe("('near' & 'a' & 'b' & 'or' & 'x' & 'and' & 'y':*)");
    expect(ftsQuery({ any: [{ token: 'a', prefix: false }, { all: [{ token: 'b', prefix: true }, { token: 'c', prefix: false }] }] })).toBe('("a" OR ("b"* AND "c"))');
  });
});
