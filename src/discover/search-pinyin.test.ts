import { describe, expect, it } from 'vitest';
import { pinyinTokens } from './search-pinyin.js';

describe('pinyinTokens', () => {
  it('gives syllables, words, the whole run and its initials, ü as u and v', () => {
    const tokens = pinyinTokens('溪山行旅图');
    for (const token of ['xi', 'shan', 'xing', 'lu', 'lv', 'tu', 'shanxinglv', 'xinglv', 'xinglu', 'xishanxinglvtu', 'xishanxinglutu', 'xsxlt']) expect(tokens, token).toContain(token);
    expect(tokens.every((t) => /^[a-z]+$/.test(t))).toBe(true);
  });

  it('reads a character in context (the common reading), and skips text that is not Chinese', () => {
    expect(pinyinTokens('重庆')).toContain('chongqing');
    expect(pinyinTokens('银行')).toContain('yinhang');
    expect(pinyinTokens('Fan Kuan 1023')).toEqual([]);
    expect(pinyinTokens('范宽')).toEqual(expect.arrayContaining(['fan', 'kuan', 'fankuan', 'fk']));
  });
});
