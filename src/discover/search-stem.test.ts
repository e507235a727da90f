import { describe, expect, it } from 'vitest';
import { stemEnglish } from './search-stem.js';

describe('stemEnglish', () => {
  it('gives inflected forms of a word one stem', () => {
    const stems = (words: string[]) => new Set(words.map(stemEnglish));
    expect(stems(['painting', 'paintings', 'painted', 'paints', 'paint'])).toEqual(new Set(['paint']));
    expect(stems(['carve', 'carved', 'carving', 'carvings', 'carves'])).toEqual(new Set(['carv']));
    expect(stems(['stopping', 'stopped', 'stop'])).toEqual(new Set(['stop']));
    expect(stems(['dynasty', 'dynasties'])).toEqual(new Set(['dynasty']));
    expect(stems(['landscape', 'landscapes'])).toEqual(new Set(['landscap']));
  });

  it('leaves short words, words whose ending is their own, and non-words alone', () => {
    for (const word of ['bring', 'red', 'string', 'ming', 'xing', 'glass', 'lotus', 'ink', 'is', '1368', 'lü']) {
      expect(stemEnglish(word), word).toBe(word);
    }
    expect(stemEnglish('falling')).toBe('fall');
    expect(stemEnglish('painter')).toBe('painter');
  });
});
