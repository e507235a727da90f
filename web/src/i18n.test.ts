import { describe, expect, it } from 'vitest';
import { makeI18n, type MessageKey } from './i18n';

const noop = () => {};
const en = makeI18n('en', noop).i18n;
const zh = makeI18n('zh-Hans', noop).i18n;

describe('t (react-intl over the ICU catalogues)', () => {
  it('chooses plural forms by count and formats the number', () => {
    expect(en.t('catalogue.results', { count: 1 })).toBe('1 work');
    expect(en.t('catalogue.results', { count: 1234 })).toBe('1,234 works');
    expect(zh.t('catalogue.results', { count: 1 })).toBe('共 1 件作品');
    expect(en.t('scan.status.matched', { count: 2 })).toBe('Copy found: it matches 2 works.');
    expect(en.t('fixity.problems', { count: 1 })).toBe('1 problem found');
  });

  it('fills plain arguments and keeps quoted ICU text literal', () => {
    expect(en.t('nav.signedInAs', { name: 'Li Bai' })).toBe('Signed in as Li Bai');
    expect(en.t('tokens.intro')).toContain('“Authorization: Bearer <token>”');
    expect(zh.t('tokens.intro')).toContain('“Authorization: Bearer <令牌>”');
  });

  it('gives back an unknown key as it is, so callers can fall back to the raw value', () => {
    expect(en.has('field.title')).toBe(true);
    expect(en.has('field.nonsense')).toBe(false);
    expect(en.t('field.nonsense' as MessageKey)).toBe('field.nonsense');
  });

  it('formats historical years', () => {
    expect(en.formatYear(-221)).toBe('221 BCE');
    expect(zh.formatYear(1368)).toBe(zh.t('year.ce', { year: 1368 }));
  });
});

describe('language names', () => {
  it('names the languages of metadata, never by their tag', () => {
    expect(en.langName('zh-Hant')).toBe('Traditional Chinese');
    expect(zh.langName('zh-Hant')).toBe('繁体中文');
    expect(en.langName('ja')).toBe('Japanese');
    for (const i18n of [en, zh]) {
      for (const tag of ['zh-Hans', 'zh-Hant', 'zh', 'en', 'und']) {
        expect(i18n.langBadge(tag)).not.toBe(tag);
        expect(i18n.langName(tag)).not.toBe(tag);
      }
      expect(i18n.langBadge('und')).not.toMatch(/und/);
    }
    expect(zh.langBadge('zh-Hant')).toBe('繁');
  });
});
