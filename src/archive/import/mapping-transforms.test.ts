import { describe, expect, it } from 'vitest';
import { applyTransform, chunkText, detectRole, parseYear, splitBilingual, stripAttribution, transformSchema } from './mapping-transforms.js';
import { fillTemplate, readSource } from './source-paths.js';

const ctx = (warnings: string[] = []) => ({ name: 'test', zhScript: 'zh-Hant', warn: (m: string) => void warnings.push(m) });
const run = (values: unknown[], spec: unknown, warnings?: string[]) => applyTransform(values, transformSchema.parse(spec), ctx(warnings));

describe('splitBilingual', () => {
  it.each([
    ['Old Trees, Level Distance\n樹色平遠圖', 'Old Trees, Level Distance', '樹色平遠圖'],
    ['Clearing Autumn Skies over Mountains and Valleys谿山秋鑓圖', 'Clearing Autumn Skies over Mountains and Valleys', '谿山秋鑓圖'],
    ['Guo Xi \n 郭熙', 'Guo Xi', '郭熙'],
    ['Guo Xi (attributed to) (傳) 郭熙', 'Guo Xi (attributed to)', '(傳) 郭熙'],
    ['Zhaoji emperor 宋徽宗 (趙佶)', 'Zhaoji emperor', '宋徽宗 (趙佶)'],
    ['Bamboo in the Wind, after Su Shi 仿東坡〈風竹圖〉', 'Bamboo in the Wind, after Su Shi', '仿東坡〈風竹圖〉'],
    ['Illustrations of “Seventh Month” from the “Odes of Bin” 豳風七月圖', 'Illustrations of “Seventh Month” from the “Odes of Bin”', '豳風七月圖'],
    ['Attributed to Ai Xuan (conjecture)\n傳艾宣', 'Attributed to Ai Xuan (conjecture)', '傳艾宣'],
  ])('%j', (text, en, zh) => {
    expect(splitBilingual(text)).toEqual({ en, zh });
  });

  it('leaves out a missing part', () => {
    expect(splitBilingual('寒林圖')).toEqual({ zh: '寒林圖' });
    expect(splitBilingual('Unidentified artist')).toEqual({ en: 'Unidentified artist' });
    expect(splitBilingual('Mending Clothes by Daylight\n?')).toEqual({ en: 'Mending Clothes by Daylight' });
  });
});

describe('attribution', () => {
  it('detects roles from English and Chinese wording', () => {
    expect(detectRole('Guo Xi (attributed to) (傳) 郭熙')).toBe('attributed');
    expect(detectRole('Attributed to Ai Xuan (conjecture)\n傳艾宣')).toBe('attributed');
    expect(detectRole('After Wang Qihan\n倣王齊翰')).toBe('after');
    expect(detectRole('臨黃筌')).toBe('after');
    expect(detectRole('and studio')).toBe('workshop');
    expect(detectRole('manufacturer')).toBe('maker');
    expect(detectRole('Unidentified artist')).toBe('artist');
    expect(detectRole('Li Cheng 李成')).toBeUndefined();
    expect(detectRole('草書廉頗藺相如傳')).toBeUndefined(); // 傳 ending a title is not an attribution
  });

  it('strips attribution words but keeps the name', () => {
    expect(stripAttribution('Guo Xi (attributed to)')).toBe('Guo Xi');
    expect(stripAttribution('(傳) 郭熙')).toBe('郭熙');
    expect(stripAttribution('傳艾宣')).toBe('艾宣');
    expect(stripAttribution('Attributed to Ai Xuan (conjecture)')).toBe('Ai Xuan (conjecture)');
    expect(stripAttribution('After Zhao Mengfu (style)')).toBe('Zhao Mengfu (style)');
    expect(stripAttribution('倣趙孟頫')).toBe('趙孟頫');
    expect(stripAttribution('舊傳高克明')).toBe('高克明');
    expect(stripAttribution('Calligraphy attributed to Emperor Gaozong')).toBe('Emperor Gaozong');
    expect(stripAttribution('Formerly attributed to Liu Songnian')).toBe('Liu Songnian');
    expect(stripAttribution('Li Cheng')).toBe('Li Cheng');
  });
});

describe('transforms', () => {
  it('split keeps holes so parallel rules stay aligned', () => {
    expect(run(['a\n\nb', undefined], { op: 'split', regex: '\\n\\s*\\n' })).toEqual(['a', 'b', undefined]);
    expect(run(['S;T'], { op: 'split', separator: ';' })).toEqual(['S', 'T']);
  });

  it('noneToEmpty and trim turn placeholders into holes', () => {
    expect(run(['(none)', ' x ', '无', 'None'], 'noneToEmpty')).toEqual([undefined, ' x ', undefined, undefined]);
    expect(run(['no date', 'c. 1900'], { op: 'noneToEmpty', values: ['no date'] })).toEqual([undefined, 'c. 1900']);
    expect(run([' x ', '  '], 'trim')).toEqual(['x', undefined]);
  });

  it('year reads numbers, year strings and ISO dates, and warns on the rest', () => {
    expect([1777, '1425', '-0206-01-05', '1855-01-01', 'no date', 17.5].map(parseYear)).toEqual([1777, 1425, -206, 1855, undefined, undefined]);
    const warnings: string[] = [];
    expect(run(['no date'], 'year', warnings)).toEqual([undefined]);
    expect(warnings).toEqual(['test: "no date" is not a year; left out']);
  });

  it('date builds display text and a year range with parseDateText', () => {
    expect(run(['c.1777–8'], { op: 'date' })).toEqual([{ display: { en: 'c.1777–8' }, earliest: 1777, latest: 1778 }]);
    expect(run(['明'], { op: 'date', lang: 'zh' })).toEqual([{ display: { 'zh-Hant': '明' }, earliest: 1368, latest: 1644 }]);
    const warnings: string[] = [];
    expect(run(['sometime'], { op: 'date' }, warnings)).toEqual([{ display: { en: 'sometime' } }]);
    expect(warnings[0]).toMatch(/no year range found in "sometime"/);
  });

  it('leaves collects the leaf names of a subject tree', () => {
    const tree = { name: 'subject', children: [{ name: 'places', children: [{ name: 'UK counties', children: [{ name: 'Cumbria' }] }] }, { name: 'nature', children: [{ name: 'lake' }] }] };
    expect(run([tree], 'leaves')).toEqual(['Cumbria', 'lake']);
  });

  it('lifeDates, template, map, role, drop, join and chunk', () => {
    const spec = { op: 'lifeDates', birth: 'b', death: 'd' };
    expect(run([{ b: '1834-07-11', d: '1903-07-17' }, { b: '1930-01-01' }, { d: 1600 }, {}], spec)).toEqual(['1834–1903', 'born 1930', 'died 1600', undefined]);
    expect(run([{ n: 1, who: '邝露' }, { n: 2 }], { op: 'template', template: '{n}. {who}[[ ({where})]]' })).toEqual(['1. 邝露', undefined]);
    expect(run(['Attributed To', 'x'], { op: 'map', values: { 'attributed to': 'attributed' }, default: 'other' })).toEqual(['attributed', 'other']);
    expect(run(['prints after', 'stylist', undefined], { op: 'role', default: 'other' })).toEqual(['after', 'other', undefined]);
    expect(run(['27 Total', 'Ke Jiusi'], { op: 'drop', regex: '^\\d+ Total' })).toEqual([undefined, 'Ke Jiusi']);
    expect(run(['a', undefined, 'b'], 'join')).toEqual(['a\nb']);
    expect(run(['x'.repeat(150)], { op: 'chunk', max: 100 })).toHaveLength(2);
  });

  it('chunkText cuts long text at paragraph breaks and keeps short text whole', () => {
    const para = 'word '.repeat(30).trim();
    expect(chunkText(para, 200)).toEqual([para]);
    const parts = chunkText([para, para, para].join('\n\n'), 200);
    expect(parts).toEqual([para, para, para]);
    expect(chunkText('x'.repeat(250), 100).map((p) => p.length)).toEqual([100, 100, 50]);
  });

  it('rejects unknown transforms', () => {
    expect(transformSchema.safeParse('uppercase').success).toBe(false);
    expect(transformSchema.safeParse({ op: 'split', sep: ',' }).success).toBe(false);
  });
});

describe('source paths and templates', () => {
  const tate = {
    'Title 品名': 'x',
    dateRange: { startYear: 1777, endYear: null },
    contributors: [{ fc: 'A', date: '1744–1817' }, { fc: 'B' }],
  };

  it('reads columns, nested fields and arrays with holes kept', () => {
    expect(readSource(tate, 'Title 品名')).toEqual(['x']);
    expect(readSource(tate, 'dateRange.startYear')).toEqual([1777]);
    expect(readSource(tate, 'dateRange.endYear')).toEqual([undefined]);
    expect(readSource(tate, 'contributors[*].fc')).toEqual(['A', 'B']);
    expect(readSource(tate, 'contributors[*].date')).toEqual(['1744–1817', undefined]);
    expect(readSource(tate, 'contributors[1].fc')).toEqual(['B']);
    expect(readSource(tate, 'missing[*].x')).toEqual([]);
    expect(readSource({ 'Cat. No.': '7' }, 'Cat. No.')).toEqual(['7']);
    expect(readSource({}, 'Cat. No.')).toEqual([]);
  });

  it('fills templates; optional parts drop out, a missing required placeholder empties the result', () => {
    expect(fillTemplate('met:{objectID}', { objectID: '39668' })).toBe('met:39668');
    expect(fillTemplate('met:{objectID}', { objectID: '  ' })).toBeUndefined();
    const dims = 'H {h} × W {w}[[ × D {d}]] in.';
    expect(fillTemplate(dims, { h: 13, w: 5.875, d: 0 })).toBe('H 13 × W 5.875 in.');
    expect(fillTemplate(dims, { h: 13, w: 5.875, d: 2 })).toBe('H 13 × W 5.875 × D 2 in.');
    expect(fillTemplate(dims, { h: 0, w: 5 })).toBeUndefined();
  });
});
