import { describe, expect, it } from 'vitest';
import { pinyinKeys, suggestKey, SuggestIndexBuilder, type SuggestSource } from './suggest-index.js';

const work = (seq: number, title: Record<string, string>, creators: Record<string, string>[] = [], isPublic = true, place?: Record<string, string>): SuggestSource => ({ seq, id: `w${seq}`, isPublic, title, creators, place });

function indexOf(works: SuggestSource[]) {
  const builder = new SuggestIndexBuilder();
  for (const w of works) builder.add(w);
  return { index: builder.build() };
}

describe('suggestKey and pinyinKeys', () => {
  it('fold case, width, script, diacritics and punctuation', () => {
    expect(suggestKey('  J. M. W. Turner ')).toBe('j m w turner');
    expect(suggestKey('谿山行旅圖')).toBe('溪山行旅图');
    expect(suggestKey('Ｍüller')).toBe('muller');
    expect(suggestKey('🙂!!')).toBe('');
  });

  it('read Chinese as toneless pinyin, ü both ways, and initials', () => {
    expect(pinyinKeys('溪山行旅图').sort()).toEqual(['xishanxinglutu', 'xishanxinglvtu', 'xsxlt'].sort());
    expect(pinyinKeys('landscape')).toEqual([]);
  });
});

describe('SuggestIndex', () => {
  const { index } = indexOf([
    work(1, { 'zh-Hant': '谿山行旅圖', en: 'Travelers among Mountains and Streams' }, [{ 'zh-Hant': '范寬', en: 'Fan Kuan' }], true, { en: 'Shaanxi' }),
    work(2, { 'zh-Hans': '溪山图' }, [{ 'zh-Hans': '范宽' }]),
    work(3, { en: 'Travel notes' }, [{ en: 'Secret Hand' }], false, { en: 'Shanghai' }),
    work(4, { en: 'Mountain pass' }),
  ]);
  const visitor = { staff: false, changed: new Map<number, boolean>() };
  const staff = { staff: true, changed: new Map<number, boolean>() };

  it('finds titles by prefix, Traditional or Simplified, pinyin, initials and a later word', () => {
    const titles = (q: string) => index.suggest(q, 10, visitor).filter((s) => s.kind === 'title').map((s) => s.label);
    expect(titles('trav')).toEqual(['Travelers among Mountains and Streams']);
    expect(titles('溪山')).toEqual(['溪山图', '谿山行旅圖']);
    expect(titles('xi shan')).toEqual(['溪山图', '谿山行旅圖']);
    expect(titles('xsxl')).toEqual(['谿山行旅圖']);
    expect(titles('mountain')).toEqual(['Mountain pass', 'Travelers among Mountains and Streams']);
  });

  it('groups a creator written in either script and counts its works', () => {
    expect(index.suggest('范', 10, visitor)).toEqual([{ kind: 'creator', label: '范寬', lang: 'zh-Hant', count: 2 }]);
    expect(index.suggest('fank', 10, visitor).map((s) => s.label)).toEqual(['范寬']);
  });

  it('leaves private works, their creators and places to staff, and follows visibility now', () => {
    expect(index.suggest('secret', 10, visitor)).toEqual([]);
    expect(index.suggest('shang', 10, visitor)).toEqual([]);
    expect(index.suggest('secret', 10, staff)).toEqual([{ kind: 'creator', label: 'Secret Hand', lang: 'en', count: 1 }]);
    // Work 1 made private since the build: gone for visitors, and 范寬 counts one work.
    const now = { staff: false, changed: new Map([[1, false]]) };
    expect(index.suggest('trav', 10, now)).toEqual([]);
    expect(index.suggest('shaan', 10, now)).toEqual([]);
    expect(index.suggest('范', 10, now)).toEqual([{ kind: 'creator', label: '范寬', lang: 'zh-Hant', count: 1 }]);
    // Work 3 made public since: its creator counts for visitors (its title is new to the ranking only after a rebuild).
    expect(index.suggest('secret', 10, { staff: false, changed: new Map([[3, true]]) })).toEqual([]);
    expect(index.suggest('trav', 10, { staff: false, changed: new Map([[3, true]]) }).map((s) => s.label)).toEqual(['Travelers among Mountains and Streams']);
  });

  it('follows visibility of works added in any order, past the first thousand', () => {
    // Seqs out of order and sparse: the work table is sorted at build and searched by seq.
    const seqs = Array.from({ length: 3000 }, (_, i) => (i * 7919) % 3001 * 3 + 1);
    const { index: many } = indexOf(seqs.map((seq) => work(seq, { en: `Qilin ${seq}` }, [{ en: 'Lang Shining' }])));
    const last = seqs[seqs.length - 1]!;
    const now = { staff: false, changed: new Map([[last, false], [seqs[0]!, false], [999_999, false]]) };
    expect(many.suggest('lang shi', 10, now)).toEqual([expect.objectContaining({ kind: 'creator', count: 2998 })]);
    expect(many.suggest(`qilin ${last}`, 10, now)).toEqual([]);
    expect(many.suggest(`qilin ${last}`, 10, visitor).map((s) => s.label)).toEqual([`Qilin ${last}`]);
  });

  it('gives each kind a fair share of the limit', () => {
    const many = indexOf(Array.from({ length: 20 }, (_, i) => work(i + 1, { en: `Sa title ${i}` }, [{ en: `Sa painter ${i}` }], true, { en: `Sa place ${i}` })));
    const kinds = many.index.suggest('sa', 6, { staff: false, changed: new Map() }).map((s) => s.kind);
    expect(kinds).toEqual(['title', 'title', 'creator', 'creator', 'place', 'place']);
    expect(many.index.suggest('sa', 1, { staff: false, changed: new Map() })).toHaveLength(1);
  });
});

describe('SuggestIndexBuilder with a bound on titles', () => {
  it('suggests the titles of the first works only, and creators of every work', () => {
    const builder = new SuggestIndexBuilder(2);
    builder.add(work(1, { en: 'Mountain one' }, [{ en: 'Guo Xi' }]));
    builder.add(work(2, { en: 'Mountain two' }, [{ en: 'Guo Xi' }]));
    builder.add(work(3, { en: 'Mountain three' }, [{ en: 'Ma Yuan' }]));
    const index = builder.build();
    const visitor = { staff: false, changed: new Map<number, boolean>() };
    expect(index.suggest('mountain', 10, visitor).map((s) => s.label).sort()).toEqual(['Mountain one', 'Mountain two']);
    expect(index.suggest('ma yuan', 10, visitor)).toEqual([expect.objectContaining({ kind: 'creator', label: 'Ma Yuan', count: 1 })]);
    expect(index.suggest('guo', 10, visitor)).toEqual([expect.objectContaining({ kind: 'creator', label: 'Guo Xi', count: 2 })]);
  });
});
