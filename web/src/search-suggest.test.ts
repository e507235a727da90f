import { describe, expect, it } from 'vitest';
import { moveActive, suggestionHref, wantsSuggestions } from './search-suggest';

describe('search suggestions', () => {
  it('go to the work for a title, and search for a creator or a place', () => {
    expect(suggestionHref({ kind: 'title', label: '溪山行旅图', lang: 'zh-Hans', workId: 'w 1' })).toBe('/works/w%201');
    expect(suggestionHref({ kind: 'creator', label: '范寬', lang: 'zh-Hant', count: 3 })).toBe('/works?q=%E8%8C%83%E5%AF%AC');
    expect(suggestionHref({ kind: 'place', label: 'Hangzhou', lang: 'en', count: 1 })).toBe('/works?q=Hangzhou');
  });

  it('move the active option with the arrows, wrapping through the input', () => {
    expect(moveActive(-1, 3, 'ArrowDown')).toBe(0);
    expect(moveActive(2, 3, 'ArrowDown')).toBe(-1);
    expect(moveActive(-1, 3, 'ArrowUp')).toBe(2);
    expect(moveActive(0, 3, 'ArrowUp')).toBe(-1);
    expect(moveActive(1, 3, 'End')).toBe(2);
    expect(moveActive(1, 3, 'Home')).toBe(0);
    expect(moveActive(1, 3, 'a')).toBe(1);
    expect(moveActive(0, 0, 'ArrowDown')).toBe(-1);
  });

  it('are asked for only when something was typed', () => {
    expect(wantsSuggestions('  ')).toBe(false);
    expect(wantsSuggestions('x')).toBe(true);
    expect(wantsSuggestions('x'.repeat(201))).toBe(false);
  });
});
