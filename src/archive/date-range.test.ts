import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DYNASTIES, DYNASTY_KEYS, REIGNS } from './chinese-eras.js';
import { PERIOD_LABELS, parseDateText, periodKeyFor, periodLabel, type YearRange } from './date-range.js';

const y = (earliest: number, latest: number = earliest, period?: string): YearRange =>
  period ? { earliest, latest, period } : { earliest, latest };

type Case = [string, YearRange | null];
const check = (text: string, expected: YearRange | null) => expect(parseDateText(text)).toEqual(expected);

describe('parseDateText: explicit years and ranges', () => {
  it.each<Case>([
    ['1403-1424', y(1403, 1424)],
    ['1403–1424', y(1403, 1424)],
    ['1403 — 1424', y(1403, 1424)],
    ['1850', y(1850)],
    ['c. 1850', y(1850)],
    ['ca.1850', y(1850)],
    ['circa 1850', y(1850)],
    ['about 1850', y(1850)],
    ['?1850', y(1850)],
    ['1954?', y(1954)],
    ['1850s', y(1850, 1859)],
    ['c. 1920s-1930s', y(1920, 1939)],
    ['1850s–60s', y(1850, 1869)],
    ['1800s', y(1800, 1899)],
    ['1850/1855', y(1850, 1855)],
    ['1850 or 1851', y(1850, 1851)],
    ['between 1850 and 1860', y(1850, 1860)],
    ['1767-8', y(1767, 1768)],
    ['1820–25', y(1820, 1825)],
    ['c.1830–5', y(1830, 1835)],
    ['1799–1801', y(1799, 1801)],
    ['1949-10-01', y(1949)],
    ['1949-10-01T00:00:00', y(1949)],
    ['-0399-01-06', y(-399)],
    ['1949-10', y(1949)],
    ['06/01/1933', y(1933)],
    ['1949/10/01', y(1949)],
    ['March 17, 1792', y(1792)],
    ['1949年10月1日', y(1949)],
    ['Autumn 1916', y(1916)],
    ['607', y(607)],
    ['100-199', y(100, 199)],
    ['1861/XI', y(1861)],
    ['1850-1820', null],
  ])('%s', check);
});

describe('parseDateText: open-ended dates are bounded to 50 years', () => {
  it.each<Case>([
    ['after 1600', y(1600, 1650)],
    ['before 1600', y(1550, 1600)],
    ['Before 1931', y(1881, 1931)],
    ['after c.1830', y(1830, 1880)],
    ['no earlier than 1906', y(1906, 1956)],
    ['no later than 1906', y(1856, 1906)],
    ['pre-1850', y(1800, 1850)],
    ['1850 or later', y(1850, 1900)],
    ['1600年以前', y(1550, 1600)],
    ['1600年以后', y(1600, 1650)],
    ['(1644前)', y(1594, 1644)],
    ['After Wen Tong', null],
  ])('%s', check);
});

describe('parseDateText: no date', () => {
  it.each(['no date', 'n.d.', 'date unknown', 'date not known', 'not dated', 'undated', '', '   ', '（亡佚）'])('%j → null', (text) =>
    check(text, null));
});

describe('parseDateText: BCE and CE', () => {
  it.each<Case>([
    ['500 BCE', y(-500)],
    ['500 BC', y(-500)],
    ['500 B.C.', y(-500)],
    ['500BC', y(-500)],
    ['206 BC–AD 220', y(-206, 220)],
    ['206 BCE-220 CE', y(-206, 220)],
    ['c. 206 BCE - 220 CE', y(-206, 220)],
    ['480-256 BCE', y(-480, -256)],
    ['1122 BCE-255 BCE', y(-1122, -255)],
    ['1300-1150 B.C.E.', y(-1300, -1150)],
    ['AD 8', y(8)],
    ['公元前206年—公元220年', y(-206, 220)],
    ['前206年', y(-206)],
    ['公元前二百零六年', y(-206)],
    ['3rd century BCE', y(-299, -200)],
    ['1st century BCE', y(-99, -1)],
    ['1st century', y(1, 99)],
    ['4th–3rd century BCE', y(-399, -200)],
    ['公元前三世纪', y(-299, -200)],
  ])('%s', check);
});

describe('parseDateText: centuries, decades and their parts', () => {
  it.each<Case>([
    ['15th century', y(1400, 1499)],
    ['15th c.', y(1400, 1499)],
    ['early 15th century', y(1400, 1432)],
    ['mid-15th century', y(1433, 1466)],
    ['mid 15th century', y(1433, 1466)],
    ['late 15th century', y(1467, 1499)],
    ['first half of the 18th century', y(1700, 1749)],
    ['second half of the 18th century', y(1750, 1799)],
    ['last quarter of the 18th century', y(1775, 1799)],
    ['mid to late 18th century', y(1733, 1799)],
    ['c. mid- to late-19th century', y(1833, 1899)],
    ['15th–16th century', y(1400, 1599)],
    ['10th -13th century', y(900, 1299)],
    ['late 16th-early 17th century', y(1567, 1632)],
    ['18th-early 19th century', y(1700, 1832)],
    ['c. second half of the 19th century-early 20th century', y(1850, 1932)],
    ['early 1960s', y(1960, 1962)],
    ['late 1960s–early 1970s', y(1967, 1972)],
    ['c. 1761 - mid 1830s', y(1761, 1836)],
    ['十五世纪', y(1400, 1499)],
    ['15世纪', y(1400, 1499)],
    ['15世紀', y(1400, 1499)],
    ['十五世紀上半叶', y(1400, 1449)],
    ['十五世紀上半葉', y(1400, 1449)],
    ['十五世纪下半叶', y(1450, 1499)],
    ['十五世纪初', y(1400, 1432)],
    ['十五世纪中叶', y(1433, 1466)],
    ['十五世纪末', y(1467, 1499)],
    ['十九至二十世纪', y(1800, 1999)],
    ['19-20th century', y(1800, 1999)],
    ['1930年代', y(1930, 1939)],
    ['二十世纪三十年代', y(1930, 1939)],
    ['March 17th, 1792', y(1792)],
  ])('%s', check);
});

describe('parseDateText: Chinese years and reign years', () => {
  it.each<Case>([
    ['1768年', y(1768)],
    ['戊子（西元一七六八年）', y(1768)],
    ['二〇〇八年', y(2008)],
    ['乾隆三十三年', y(1768, 1768, 'qing')],
    ['乾隆卅三年', y(1768, 1768, 'qing')],
    ['乾隆元年', y(1736, 1736, 'qing')],
    ['乾隆戊子', y(1768, 1768, 'qing')],
    ['大清乾隆年制', y(1736, 1795, 'qing')],
    ['大明宣德年制', y(1426, 1435, 'ming')],
    ['萬曆四十八年', y(1620, 1620, 'ming')],
    ['崇禎十七年', y(1644, 1644, 'ming')],
    ['光緒三十四年', y(1908, 1908, 'qing')],
    ['康熙二十二年(1683)', y(1683, 1683, 'qing')],
    ['乾隆九十年', y(1736, 1795, 'qing')], // no such year: the reign as a whole
    ['民国二十年', y(1931, 1931, 'republic')],
    ['中華民國元年', y(1912, 1912, 'republic')],
    ['開元三年', y(715, 715, 'tang')],
    ['紹興十年', y(1140, 1140, 'southern-song')],
    ['至正十年', y(1350, 1350, 'yuan')],
    ['乾隆癸丑至嘉庆乙未', y(1793, 1820, 'qing')],
  ])('%s', check);
});

describe('parseDateText: Chinese dynasties', () => {
  it.each<Case>([
    ['明', y(1368, 1644, 'ming')],
    ['明代', y(1368, 1644, 'ming')],
    ['明朝', y(1368, 1644, 'ming')],
    ['清', y(1644, 1911, 'qing')],
    ['清代', y(1644, 1911, 'qing')],
    ['宋', y(960, 1279, 'song')],
    ['宋人', y(960, 1279, 'song')],
    ['北宋', y(960, 1127, 'northern-song')],
    ['南宋', y(1127, 1279, 'southern-song')],
    ['元', y(1271, 1368, 'yuan')],
    ['元代', y(1271, 1368, 'yuan')],
    ['唐', y(618, 907, 'tang')],
    ['五代', y(907, 960, 'five-dynasties')],
    ['南唐', y(937, 975, 'five-dynasties')],
    ['三国', y(220, 280, 'three-kingdoms')],
    ['三國', y(220, 280, 'three-kingdoms')],
    ['汉', y(-206, 220, 'han')],
    ['漢', y(-206, 220, 'han')],
    ['漢代', y(-206, 220, 'han')],
    ['东汉', y(25, 220, 'eastern-han')],
    ['東漢', y(25, 220, 'eastern-han')],
    ['西汉', y(-206, 9, 'western-han')],
    ['西漢', y(-206, 9, 'western-han')],
    ['隋', y(581, 618, 'sui')],
    ['晋', y(265, 420, 'jin')],
    ['晉', y(265, 420, 'jin')],
    ['西晋', y(265, 317, 'western-jin')],
    ['东晋', y(317, 420, 'eastern-jin')],
    ['東晉', y(317, 420, 'eastern-jin')],
    ['南北朝', y(420, 589, 'southern-northern')],
    ['北魏', y(386, 534, 'southern-northern')],
    ['夏', y(-2070, -1600, 'xia')],
    ['商', y(-1600, -1046, 'shang')],
    ['周', y(-1046, -256, 'zhou')],
    ['西周', y(-1046, -771, 'western-zhou')],
    ['东周', y(-770, -256, 'eastern-zhou')],
    ['春秋', y(-770, -476, 'spring-autumn')],
    ['战国', y(-475, -221, 'warring-states')],
    ['戰國', y(-475, -221, 'warring-states')],
    ['秦', y(-221, -206, 'qin')],
    ['辽', y(907, 1125, 'liao')],
    ['遼', y(907, 1125, 'liao')],
    ['金', y(1115, 1234, 'jurchen-jin')],
    ['金代', y(1115, 1234, 'jurchen-jin')],
    ['西夏', y(1038, 1227, 'western-xia')],
    ['民国', y(1912, 1949, 'republic')],
    ['民國', y(1912, 1949, 'republic')],
    ['中华民国', y(1912, 1949, 'republic')],
    ['中华人民共和国', y(1949, 2100, 'prc')],
    ['明初', y(1368, 1459, 'ming')],
    ['明末', y(1553, 1644, 'ming')],
    ['晚清', y(1823, 1911, 'qing')],
    ['清代中期', y(1733, 1822, 'qing')],
    ['明末清初', y(1553, 1732, 'ming')],
    ['宋元', y(960, 1368, 'song')],
    ['清末民国', y(1823, 1949, 'qing')],
    ['明·神奇秘谱(1425)', y(1425, 1425, 'ming')],
  ])('%s', check);

  it.each(['公元', '描金', '周昉', '金箔', '汉族', '商标'])('a lone dynasty character inside a word is not a dynasty: %s', (text) =>
    check(text, null));

  it('夏 after a year is summer, not the Xia dynasty', () => check('1950年夏', y(1950)));
});

describe('parseDateText: English dynasty names', () => {
  it.each<Case>([
    ['Ming dynasty (1368–1644)', y(1368, 1644, 'ming')],
    ['Northern Song dynasty', y(960, 1127, 'northern-song')],
    ['Song dynasty', y(960, 1279, 'song')],
    ['Southern Song', y(1127, 1279, 'southern-song')],
    ['Yuan', y(1271, 1368, 'yuan')],
    ['Tang dynasty', y(618, 907, 'tang')],
    ["T'ang dynasty", y(618, 907, 'tang')],
    ['Five Dynasties', y(907, 960, 'five-dynasties')],
    ['Northern and Southern Dynasties, 420-589', y(420, 589, 'southern-northern')],
    ['Six Dynasties', y(220, 589, 'southern-northern')],
    ['Warring States period', y(-475, -221, 'warring-states')],
    ['Spring and Autumn period', y(-770, -476, 'spring-autumn')],
    ['Western Zhou', y(-1046, -771, 'western-zhou')],
    ['Three Kingdoms', y(220, 280, 'three-kingdoms')],
    ['Republic period', y(1912, 1949, 'republic')],
    ['late Qing?', y(1823, 1911, 'qing')],
    ['early Ming', y(1368, 1459, 'ming')],
    ['Jin dynasty (1115–1234)', y(1115, 1234, 'jurchen-jin')],
    ['Jin dynasty (265–420)', y(265, 420, 'jin')],
    ['Jin dynasty', y(265, 420, 'jin')],
    ['Jurchen Jin', y(1115, 1234, 'jurchen-jin')],
    ['Shanghai, 1930', y(1930)],
  ])('%s', check);
});

describe('parseDateText: reign periods', () => {
  it.each<Case>([
    ['Yongle period (1403–24)', y(1403, 1424, 'ming')],
    ['Qianlong reign', y(1736, 1795, 'qing')],
    ['Kangxi mark and period', y(1662, 1722, 'qing')],
    ["K'ang-hsi period", y(1662, 1722, 'qing')],
    ['Ch’ien-lung', y(1736, 1795, 'qing')],
    ['Qing dynasty, Qianlong period', y(1736, 1795, 'qing')],
    ['Qianlong period (1736-1795)', y(1736, 1795, 'qing')],
    ['明 永乐年间', y(1403, 1424, 'ming')],
    ['清乾隆', y(1736, 1795, 'qing')],
    ['清 康熙', y(1662, 1722, 'qing')],
    ['永樂', y(1403, 1424, 'ming')],
    ['嘉慶', y(1796, 1820, 'qing')],
    ['萬曆', y(1573, 1620, 'ming')],
    ['萬歷', y(1573, 1620, 'ming')],
    ['天啓', y(1621, 1627, 'ming')],
    ['永历', y(1647, 1662, 'ming')],
    ['开元', y(713, 741, 'tang')],
    ['天宝', y(742, 756, 'tang')],
    ['宣和', y(1119, 1125, 'northern-song')],
    ['绍兴', y(1131, 1162, 'southern-song')],
    ['Xuanhe era', y(1119, 1125, 'northern-song')],
    ['Shaoxing', null], // also a city: Tang–Yuan reigns count in English only before period/reign/era
    ['景德镇窑', null], // Jingdezhen, not the Jingde reign
    ['崇祯/清初', y(1628, 1732, 'ming')],
    ['宋 宣和', y(1119, 1125, 'song')],
  ])('%s', check);

  it.each(REIGNS.map((r) => [r.zh, r] as const))('%s resolves to its reign', (zh, reign) =>
    check(zh, y(reign.earliest, reign.latest, reign.key)));

  it.each(REIGNS.filter((r) => !r.strictEn).flatMap((r) => r.en.map((en) => [en, r] as const)))('%s resolves to its reign', (en, reign) =>
    check(`${en} period`, y(reign.earliest, reign.latest, reign.key)));

  it('Ming and Qing reigns tile 1368–1911 without gaps', () => {
    const spans = REIGNS.filter((r) => r.key === 'ming' || r.key === 'qing').filter((r) => r.earliest <= 1644);
    const mingQing = [...spans.filter((r) => r.key === 'ming' && r.latest <= 1644), ...REIGNS.filter((r) => r.key === 'qing')];
    for (let i = 1; i < mingQing.length; i++) {
      const [prev, next] = [mingQing[i - 1], mingQing[i]];
      expect(next?.earliest, `${prev?.zh} → ${next?.zh}`).toBeGreaterThanOrEqual(prev?.latest ?? 0);
      expect(next?.earliest, `${prev?.zh} → ${next?.zh}`).toBeLessThanOrEqual((prev?.latest ?? 0) + 1);
    }
  });
});

describe('parseDateText: explicit years beat named eras', () => {
  it.each<Case>([
    ['Tang Dynasty, 618-906', y(618, 906, 'tang')],
    ['Han Dynasty, 202 BCE-220 CE', y(-202, 220, 'han')],
    ['明代（1368—1644年）', y(1368, 1644, 'ming')],
    ['Ming Dynasty, 1368-1644, 16th century', y(1500, 1599, 'ming')],
    ['Shang Period (c. 1600-1045 BCE), 1300-1150 B.C.E.', y(-1300, -1150, 'shang')],
    ['Shang Period (c. 1600-1045 BCE), c. 1100 BCE', y(-1100, -1100, 'shang')],
    ['Western Zhou Dynasty (1027-711 BCE), 10th century BCE', y(-999, -900, 'western-zhou')],
    ['late Zhou Period (c. 475-221 BCE), 4th century BCE', y(-399, -300, 'zhou')],
    ['Qing dynasty, 18th century', y(1700, 1799, 'qing')],
    ['乾隆 1750', y(1750, 1750, 'qing')],
    ['宋明帝太始六年(470)', y(470)], // 宋明帝 is Liu Song; the years are 500 years off the Song
    ['1829, printed 1893', y(1829)],
    ['1967 (designed) c. 1977 (manufactured)', y(1967)],
    ['1968, printed before 1976', y(1968)],
  ])('%s', check);
});

describe('parseDateText: width and punctuation', () => {
  it.each<Case>([
    ['１８５０', y(1850)],
    ['１８５０－１８５５', y(1850, 1855)],
    ['1850〜1855', y(1850, 1855)],
    ['1850～1855', y(1850, 1855)],
    ['1850~1855', y(1850, 1855)],
    ['1850至1855年', y(1850, 1855)],
    ['約1850年', y(1850)],
    ['１５世紀', y(1400, 1499)],
  ])('%s', check);
});

describe('parseDateText: garbage', () => {
  it.each(['hello', '2024-13-45', '2023-02-29', '99999', '9999', 'abc123', '123abc', '0', '17', '3000 things', '第三', '---', '((('])(
    '%j → null', (text) => check(text, null));

  it('never throws and always returns a well-formed range', () => {
    const alphabet = [...'0123456789-–—/.,?()年世纪前后初末明清宋元乾隆十一二三 abcdeilmnorstyBCEAD', 'century', 'early ', 'c. ', 'BCE', '公元前', '民国'];
    let seed = 20240601;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 3000; n++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const r = parseDateText(text);
      if (r) {
        expect(Number.isInteger(r.earliest) && Number.isInteger(r.latest), text).toBe(true);
        expect(r.earliest, text).toBeLessThanOrEqual(r.latest);
        expect(r.earliest, text).toBeGreaterThanOrEqual(-10_000);
        expect(r.latest, text).toBeLessThanOrEqual(3_000);
      }
    }
    expect(parseDateText(null as unknown as string)).toBeNull();
  });

  it('reads only the first 2,000 characters and stays fast on hostile input', () => {
    expect(parseDateText(`${'x '.repeat(1_500)}1850`)).toBeNull();
    const hostile = ['1-'.repeat(5_000), 'early-'.repeat(5_000), 'c. '.repeat(5_000), '明'.repeat(5_000), '一年'.repeat(5_000), '('.repeat(100_000)];
    const started = performance.now();
    for (const text of hostile) parseDateText(text);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('periodKeyFor', () => {
  it.each<[YearRange, string]>([
    [y(1403, 1424, 'ming'), 'ming'],
    [y(1403, 1424), 'c15'],
    [y(1400, 1499), 'c15'],
    [y(1499), 'c15'],
    [y(1500), 'c16'],
    [y(1, 99), 'c1'],
    [y(-299, -200), 'c-3'],
    [y(-200), 'c-3'],
    [y(-300), 'c-4'],
    [y(-1), 'c-1'],
  ])('%j → %s', (range, key) => expect(periodKeyFor(range)).toBe(key));

  it('keys every parsed century to the century it names', () => {
    for (let n = 1; n <= 21; n++) {
      const suffix = n === 1 || n === 21 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th';
      const ce = parseDateText(`${n}${suffix} century`);
      const bce = parseDateText(`${n}${suffix} century BCE`);
      expect(ce && periodKeyFor(ce)).toBe(`c${n}`);
      expect(ce && periodKeyFor({ earliest: ce.latest, latest: ce.latest })).toBe(`c${n}`);
      expect(bce && periodKeyFor(bce)).toBe(`c-${n}`);
      expect(bce && periodKeyFor({ earliest: bce.latest, latest: bce.latest })).toBe(`c-${n}`);
    }
  });
});

describe('PERIOD_LABELS and periodLabel', () => {
  it('labels every dynasty key in both languages', () => {
    expect(Object.keys(PERIOD_LABELS).sort()).toEqual([...DYNASTY_KEYS].sort());
    for (const key of DYNASTY_KEYS) {
      expect(PERIOD_LABELS[key]?.['zh-Hans']).toBe(DYNASTIES[key].zh);
      expect(PERIOD_LABELS[key]?.en).toMatch(/^[A-Z]/);
    }
  });

  it('every dynasty key a parse can return is labelled', () => {
    const names = ['明', 'Northern Wei', '南唐', 'Jurchen Jin', '民国', '中华人民共和国', 'Six Dynasties', '开元'];
    for (const name of names) expect(PERIOD_LABELS[parseDateText(name)?.period ?? '']).toBeDefined();
  });

  it.each<[string, 'zh-Hans' | 'en', string]>([
    ['ming', 'zh-Hans', '明代'],
    ['ming', 'en', 'Ming dynasty'],
    ['northern-song', 'zh-Hans', '北宋'],
    ['jurchen-jin', 'en', 'Jin dynasty (1115–1234)'],
    ['c15', 'en', '15th century'],
    ['c15', 'zh-Hans', '15世纪'],
    ['c1', 'en', '1st century'],
    ['c2', 'en', '2nd century'],
    ['c3', 'en', '3rd century'],
    ['c11', 'en', '11th century'],
    ['c21', 'en', '21st century'],
    ['c-3', 'en', '3rd century BCE'],
    ['c-3', 'zh-Hans', '公元前3世纪'],
    ['unknown', 'en', 'unknown'],
  ])('%s (%s) → %s', (key, lang, label) => expect(periodLabel(key, lang)).toBe(label));
});

// Real records, read in place from ../shared/data (CC0: CMOA, Tate); skipped when the folder is absent.
const collections = new URL('../../../shared/data/collections/', import.meta.url);
const hasData = existsSync(new URL('cmoa/cmoa/', collections)) && existsSync(new URL('tate/artworks/', collections));

describe.skipIf(!hasData)('parseDateText on real museum records', () => {
  const jsonFiles = (dir: URL): URL[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? jsonFiles(new URL(`${e.name}/`, dir)) : e.name.endsWith('.json') ? [new URL(e.name, dir)] : []);
  const field = (dir: string, name: string): string[] =>
    jsonFiles(new URL(dir, collections))
      .map((f) => (JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>)[name])
      .filter((v): v is string => typeof v === 'string');
  const undated = /^(no date|date not known|not dated)$/i;

  it.each([
    ['CMOA creation_date', 'cmoa/cmoa/', 'creation_date'],
    ['Tate dateText', 'tate/artworks/', 'dateText'],
  ])('reads every dated %s, and none of the undated ones', (_label, dir, name) => {
    const texts = field(dir, name);
    expect(texts.length).toBeGreaterThan(900);
    const unread = texts.filter((t) => !undated.test(t.trim()) && parseDateText(t) === null);
    expect(unread).toEqual([]);
    expect(texts.filter((t) => undated.test(t.trim())).map(parseDateText).every((r) => r === null)).toBe(true);
  });
});
