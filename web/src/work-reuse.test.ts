import { describe, expect, it } from 'vitest';
import { creditNote, freelyReusable, reuseKind } from './work-reuse';

describe('reuseKind', () => {
  it('reads Creative Commons licences by their elements', () => {
    expect(reuseKind('https://creativecommons.org/publicdomain/zero/1.0/')).toBe('public-domain');
    expect(reuseKind('https://creativecommons.org/publicdomain/mark/1.0/')).toBe('public-domain');
    expect(reuseKind('https://creativecommons.org/licenses/by/4.0/')).toBe('open');
    expect(reuseKind('https://creativecommons.org/licenses/by-sa/4.0/')).toBe('share-alike');
    expect(reuseKind('https://creativecommons.org/licenses/by-nd/4.0/')).toBe('no-derivatives');
    expect(reuseKind('https://creativecommons.org/licenses/by-nc/4.0/')).toBe('non-commercial');
    expect(reuseKind('https://creativecommons.org/licenses/by-nc-sa/4.0/')).toBe('non-commercial');
    expect(reuseKind('https://creativecommons.org/licenses/by-nc-nd/4.0/')).toBe('non-commercial-no-derivatives');
  });

  it('reads RightsStatements.org statements', () => {
    expect(reuseKind('http://rightsstatements.org/vocab/InC/1.0/')).toBe('in-copyright');
    expect(reuseKind('http://rightsstatements.org/vocab/InC-RUU/1.0/')).toBe('in-copyright');
    expect(reuseKind('http://rightsstatements.org/vocab/InC-EDU/1.0/')).toBe('educational');
    expect(reuseKind('http://rightsstatements.org/vocab/NoC-NC/1.0/')).toBe('non-commercial');
    expect(reuseKind('http://rightsstatements.org/vocab/NoC-CR/1.0/')).toBe('restricted');
    expect(reuseKind('http://rightsstatements.org/vocab/NKC/1.0/')).toBe('public-domain');
    expect(reuseKind('http://rightsstatements.org/vocab/CNE/1.0/')).toBe('not-evaluated');
    expect(reuseKind('http://rightsstatements.org/vocab/UND/1.0/')).toBe('not-evaluated');
  });

  it('says nothing it cannot know', () => {
    expect(reuseKind(undefined)).toBe('unknown');
    expect(reuseKind('https://example.org/licence')).toBe('unknown');
    expect(freelyReusable('in-copyright')).toBe(false);
    expect(freelyReusable('public-domain')).toBe(true);
  });
});

describe('creditNote', () => {
  it('finds an imported credit line whatever its label spelling', () => {
    expect(creditNote({ notes: [{ label: 'Publications', text: { en: 'x' } }, { label: 'Credit Line', text: { en: 'Gift of A. B., 1990' } }] })).toEqual({ en: 'Gift of A. B., 1990' });
    expect(creditNote({ notes: [{ label: 'credit', text: { en: 'y' } }] })).toEqual({ en: 'y' });
    expect(creditNote({ notes: [] })).toBeNull();
  });
});
