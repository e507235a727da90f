import { pinyin } from 'pinyin-pro';
import { CJK_RUN, segmenter } from './search-text.js';

/** Runs longer than this (a poem copied into a title) get syllables and words, but no whole-run token. */
const MAX_RUN = 24;

/** ü as typed (lü), as pinyin-pro spells it toneless, and as keyboards write it (lv). */
function spellings(syllables: string[]): string[] {
  const joined = syllables.join('');
  if (!joined.includes('ü')) return [joined];
  return [joined.replaceAll('ü', 'u'), joined.replaceAll('ü', 'v')];
}

/**
 * Pinyin tokens for the Chinese text of a work (already Simplified): each syllable, each jieba word's
 * syllables joined, the whole run joined and its initials, all toneless, ü written both u and v. So
 * `xi shan xing lü`, `xishanxinglv`, `xishanxinglu` and `xsxl` all find 溪山行旅图.
 *
 * A character with several readings gets pinyin-pro's choice in context (银行 → yinhang, 重庆 →
 * chongqing), which is the common one but not always the one meant: a rare reading is not indexed.
 */
export function pinyinTokens(text: string): string[] {
  const tokens = new Set<string>();
  const add = (syllables: string[]) => {
    for (const spelling of spellings(syllables)) if (/^[a-zv]+$/.test(spelling)) tokens.add(spelling);
  };
  for (const match of text.matchAll(CJK_RUN)) {
    const run = match[0];
    const syllables = pinyin(run, { toneType: 'none', type: 'array' });
    for (const syllable of syllables) add([syllable]);
    if (syllables.length < 2) continue;
    // Words (search mode: 山行旅 and 行旅) take the run's syllables, read in the context of the whole run.
    const chars = [...run];
    for (const word of segmenter().cutForSearch(run, true)) {
      const length = [...word].length;
      const index = run.indexOf(word);
      if (length < 2 || index < 0) continue;
      const at = [...run.slice(0, index)].length;
      if (at + length <= chars.length) add(syllables.slice(at, at + length));
    }
    if (syllables.length <= MAX_RUN) {
      add(syllables);
      add(syllables.map((s) => s[0]!));
    }
  }
  return [...tokens];
}
