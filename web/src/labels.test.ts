import { describe, expect, it } from 'vitest';
import { makeI18n } from './i18n';
import { facetValueLabel, jobKindLabel, knownLabel, noteLabel } from './labels';
import type { Vocabulary } from './types';

const noop = () => {};
const en = makeI18n('en', noop).i18n;
const zh = makeI18n('zh-Hans', noop).i18n;

describe('labels of codes and data', () => {
  it('translates known job kinds and keeps unknown ones readable', () => {
    for (const kind of ['media.display', 'protect.fingerprint', 'protect.fingerprint-backfill', 'archive.fixity', 'discover.reindex']) {
      expect(jobKindLabel(zh, kind)).not.toContain(kind);
      expect(jobKindLabel(en, kind)).not.toContain(kind);
    }
    expect(jobKindLabel(zh, 'archive.fixity')).toBe('完整性校验');
    expect(jobKindLabel(en, 'media.audio')).toBe('Other task (media.audio)');
  });

  it('translates the common note labels of import mappings and leaves the others as written', () => {
    expect(noteLabel(zh, 'Publications')).toBe('出版著录');
    expect(noteLabel(zh, 'Credit line')).toBe('入藏说明');
    expect(noteLabel(en, 'Credit line')).toBe('Credit line');
    expect(noteLabel(zh, '题咏')).toBe('题咏');
    expect(noteLabel(zh, 'Exhibition history')).toBe('Exhibition history');
  });

  it('falls back to the raw value for unknown codes', () => {
    expect(knownLabel(zh, 'fixity.trigger', 'cli')).toBe('命令行');
    expect(knownLabel(zh, 'fixity.trigger', 'cron')).toBe('cron');
  });
});

describe('place facet values', () => {
  const vocabulary = { industry: {}, heritage: {}, period: {}, place: { 'cn-330100': { 'zh-Hans': '杭州市', en: 'Hangzhou' } } } as unknown as Vocabulary;

  it('are named in the reader\'s language, and stay keys until the vocabulary has them', () => {
    expect(facetValueLabel('place', 'cn-330100', vocabulary, zh)).toBe('杭州市');
    expect(facetValueLabel('place', 'cn-330100', vocabulary, en)).toBe('Hangzhou');
    expect(facetValueLabel('place', 'cn-330100', null, en)).toBe('cn-330100');
    expect(facetValueLabel('place', 'xx-1', vocabulary, en)).toBe('xx-1');
  });
});
