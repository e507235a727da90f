import { describe, expect, it } from 'vitest';
import { GAZETTEER, matchPlace, placeAndDescendants, placeByKey } from './gazetteer.js';

const keyOf = (text: string, lang = 'en') => matchPlace({ [lang]: text })?.key ?? null;

describe('gazetteer data', () => {
  it('holds every provincial-level division, the prefectures and the countries', () => {
    const count = (level: string) => GAZETTEER.filter((p) => p.level === level).length;
    expect(count('province')).toBe(34);
    expect(count('prefecture')).toBeGreaterThan(320);
    expect(count('country')).toBeGreaterThan(240);
    for (const place of GAZETTEER) {
      expect(Math.abs(place.lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(place.lon)).toBeLessThanOrEqual(180);
      if (place.parent) expect(placeByKey(place.parent), place.key).toBeDefined();
    }
    expect(placeByKey('cn-710000')!.names).toMatchObject({ 'zh-Hans': '台湾省', en: 'Taiwan' });
    expect(placeByKey('cn-330100')!.names['zh-Hant']).toBe('杭州市');
    expect(placeByKey('cn-610000')!.aliases).not.toContain('Shanxi');
    expect(placeAndDescendants('cn-330000')).toContain('cn-330100');
  });
});

describe('matchPlace', () => {
  it('finds the most specific place in Chinese, folding Traditional script and suffixes', () => {
    expect(keyOf('浙江杭州', 'zh-Hans')).toBe('cn-330100');
    expect(keyOf('江苏苏州府', 'zh-Hans')).toBe('cn-320500');
    expect(keyOf('蘇州', 'zh-Hant')).toBe('cn-320500');
    expect(keyOf('江西景德镇窑', 'zh-Hans')).toBe('cn-360200');
    expect(keyOf('长安', 'zh-Hans')).toBe('cn-610100');
    expect(keyOf('浙江省', 'zh-Hans')).toBe('cn-330000');
  });

  it('reads English place texts as museum records write them (CMOA birth places)', () => {
    expect(keyOf('Hangzhou, Zhejiang province')).toBe('cn-330100');
    expect(keyOf('Japan')).toBe('jp');
    expect(keyOf('Kyoto, Japan')).toBe('jp');
    expect(keyOf('Shanghai (Shanghai Shi, China)')).toBe('cn-310000');
    expect(keyOf('Tokyo (Tōkyō metropolis, Kanto, Japan)')).toBe('jp');
    expect(keyOf('Paris (Ville de Paris department, Île-de-France, France)')).toBe('fr');
    expect(keyOf(' Bohemia (Czech Republic)')).toBe('cz');
    expect(keyOf('London (Greater London, England, United Kingdom)')).toBe('gb');
    expect(keyOf('Peking')).toBe('cn-110000');
    expect(keyOf("Xi'an")).toBe('cn-610100');
    expect(keyOf('Canton')).toBe('cn-440100');
  });

  it('is not fooled by false friends', () => {
    // New Jersey is not Jersey; Georgia beside the United States is the state; "us" is a word.
    expect(keyOf('Hoboken (Hudson county, New Jersey, United States)')).toBe('us');
    expect(keyOf('Atlanta, Georgia, United States')).toBe('us');
    expect(keyOf('Tbilisi, Georgia')).toBe('ge');
    expect(keyOf('made for us')).toBeNull();
    expect(keyOf('Pittsburgh PA')).toBeNull();
    // Suzhou is 苏州 (Jiangsu) and 宿州 (Anhui): alone it says only China; with its province, which one.
    expect(keyOf('Suzhou')).toBe('cn');
    expect(keyOf('Suzhou, Jiangsu')).toBe('cn-320500');
    expect(keyOf('Suzhou, Anhui')).toBe('cn-341300');
    expect(matchPlace(undefined)).toBeNull();
    expect(keyOf('')).toBeNull();
  });
});
