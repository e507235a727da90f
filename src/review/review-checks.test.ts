import { describe, expect, it } from 'vitest';
import { checkFiles, checkMetadata, checkRules, checkTerms, normaliseForTerms } from './review-checks.js';

describe('review checks', () => {
  it('normalises width, case, script and separators before matching terms', () => {
    expect(normaliseForTerms('臺 灣・ＡＢＣ-d')).toBe('台湾abcd');
    const hit = checkTerms({ title: { 'zh-Hant': '論 違禁-詞 之考' }, notes: [{ label: 'x', text: { en: 'Nothing' } }] }, [{ term: '违禁词', outcome: 'fail' }, { term: 'nothing', outcome: 'warn' }]);
    expect(hit).toMatchObject({ code: 'terms', outcome: 'fail', params: { count: 2, terms: '违禁词, nothing', fields: 'title, notes' } });
    expect(checkTerms({ title: { en: 'Plum' } }, [{ term: '梅', outcome: 'warn' }]).outcome).toBe('pass');
    // An empty term (punctuation only) never matches everything.
    expect(checkTerms({ title: { en: 'Plum' } }, [{ term: '—', outcome: 'fail' }]).outcome).toBe('pass');
  });

  it('names the required fields a record leaves empty', () => {
    expect(checkMetadata({ title: { en: 'A' }, creators: [], rights: { uri: '' } }, ['title', 'creators', 'date', 'rights'])).toEqual({ code: 'metadata', outcome: 'warn', params: { count: 3, fields: 'creators, date, rights' } });
    expect(checkMetadata({ title: { en: 'A' } }, ['title']).outcome).toBe('pass');
  });

  it('fails files of kinds not allowed or over the size limit', () => {
    const limits = { kinds: ['image'], maxBytes: 100 };
    expect(checkFiles([{ kind: 'image', size: 50, name: 'a.png' }], limits).outcome).toBe('pass');
    expect(checkFiles([{ kind: 'video', size: 50, name: 'a.mp4' }, { kind: 'image', size: 500, name: 'b.png' }], limits)).toMatchObject({ outcome: 'fail', params: { count: 2, kinds: 'video', largestBytes: 500 } });
  });

  it('applies the instance’s rules to one field or any', () => {
    const results = checkRules({ title: { en: 'DRAFT copy' }, description: { en: 'draft' } }, [
      { id: 'title-draft', field: 'title', contains: 'draft', outcome: 'warn' },
      { id: 'inventory', field: 'inventoryNumber', contains: 'draft', outcome: 'fail' },
      { id: 'anywhere', field: 'any', contains: 'copy', outcome: 'fail' },
    ]);
    expect(results.map((r) => [r.code, r.outcome])).toEqual([['rule.title-draft', 'warn'], ['rule.inventory', 'pass'], ['rule.anywhere', 'fail']]);
  });
});
