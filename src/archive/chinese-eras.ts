/**
 * Chinese dynasties and reign periods (年号) as data, and finding them in date text.
 * Years are historical: 221 BCE is -221, there is no year 0. Names are matched after
 * `foldTraditional` and lower-casing, so the tables hold simplified characters only.
 */

export const DYNASTY_KEYS = [
  'xia', 'shang', 'zhou', 'western-zhou', 'eastern-zhou', 'spring-autumn', 'warring-states', 'qin',
  'western-han', 'eastern-han', 'han', 'three-kingdoms', 'western-jin', 'eastern-jin', 'jin',
  'southern-northern', 'sui', 'tang', 'five-dynasties', 'northern-song', 'southern-song', 'song', 'liao',
  'western-xia', 'jurchen-jin', 'yuan', 'ming', 'qing', 'republic', 'prc',
] as const;
export type DynastyKey = (typeof DYNASTY_KEYS)[number];

/** The PRC has no end; a range must, so it runs to this year (range queries still overlap it). */
const OPEN_END = 2100;

interface DynastyInfo { zh: string; en: string; earliest: number; latest: number }

/** Standard scholarly spans (as the Met and the Palace Museum give them) and facet labels. */
export const DYNASTIES: Record<DynastyKey, DynastyInfo> = {
  xia: { zh: '夏代', en: 'Xia dynasty', earliest: -2070, latest: -1600 },
  shang: { zh: '商代', en: 'Shang dynasty', earliest: -1600, latest: -1046 },
  zhou: { zh: '周代', en: 'Zhou dynasty', earliest: -1046, latest: -256 },
  'western-zhou': { zh: '西周', en: 'Western Zhou', earliest: -1046, latest: -771 },
  'eastern-zhou': { zh: '东周', en: 'Eastern Zhou', earliest: -770, latest: -256 },
  'spring-autumn': { zh: '春秋', en: 'Spring and Autumn period', earliest: -770, latest: -476 },
  'warring-states': { zh: '战国', en: 'Warring States period', earliest: -475, latest: -221 },
  qin: { zh: '秦代', en: 'Qin dynasty', earliest: -221, latest: -206 },
  'western-han': { zh: '西汉', en: 'Western Han', earliest: -206, latest: 9 },
  'eastern-han': { zh: '东汉', en: 'Eastern Han', earliest: 25, latest: 220 },
  han: { zh: '汉代', en: 'Han dynasty', earliest: -206, latest: 220 },
  'three-kingdoms': { zh: '三国', en: 'Three Kingdoms', earliest: 220, latest: 280 },
  'western-jin': { zh: '西晋', en: 'Western Jin', earliest: 265, latest: 317 },
  'eastern-jin': { zh: '东晋', en: 'Eastern Jin', earliest: 317, latest: 420 },
  jin: { zh: '晋代', en: 'Jin dynasty (265–420)', earliest: 265, latest: 420 },
  'southern-northern': { zh: '南北朝', en: 'Northern and Southern Dynasties', earliest: 420, latest: 589 },
  sui: { zh: '隋代', en: 'Sui dynasty', earliest: 581, latest: 618 },
  tang: { zh: '唐代', en: 'Tang dynasty', earliest: 618, latest: 907 },
  'five-dynasties': { zh: '五代', en: 'Five Dynasties', earliest: 907, latest: 960 },
  'northern-song': { zh: '北宋', en: 'Northern Song', earliest: 960, latest: 1127 },
  'southern-song': { zh: '南宋', en: 'Southern Song', earliest: 1127, latest: 1279 },
  song: { zh: '宋代', en: 'Song dynasty', earliest: 960, latest: 1279 },
  liao: { zh: '辽代', en: 'Liao dynasty', earliest: 907, latest: 1125 },
  'western-xia': { zh: '西夏', en: 'Western Xia', earliest: 1038, latest: 1227 },
  'jurchen-jin': { zh: '金代', en: 'Jin dynasty (1115–1234)', earliest: 1115, latest: 1234 },
  yuan: { zh: '元代', en: 'Yuan dynasty', earliest: 1271, latest: 1368 },
  ming: { zh: '明代', en: 'Ming dynasty', earliest: 1368, latest: 1644 },
  qing: { zh: '清代', en: 'Qing dynasty', earliest: 1644, latest: 1911 },
  republic: { zh: '中华民国', en: 'Republic of China (1912–1949)', earliest: 1912, latest: 1949 },
  prc: { zh: '中华人民共和国', en: "People's Republic of China", earliest: 1949, latest: OPEN_END },
};

/** Ways records name a dynasty; `years` narrows a name to part of it (北魏 within 南北朝). */
interface DynastyName { key: DynastyKey; zh?: string[]; en?: string[]; years?: [number, number] }

const DYNASTY_NAMES: readonly DynastyName[] = [
  { key: 'xia', zh: ['夏', '夏代', '夏朝'], en: ['xia', 'hsia'] },
  { key: 'shang', zh: ['商', '商代', '商朝', '殷', '殷代', '殷商'], en: ['shang', 'shang-yin'] },
  { key: 'zhou', zh: ['周', '周代', '周朝'], en: ['zhou', 'chou'] },
  { key: 'western-zhou', zh: ['西周'], en: ['western zhou', 'western chou'] },
  { key: 'eastern-zhou', zh: ['东周'], en: ['eastern zhou', 'eastern chou'] },
  { key: 'spring-autumn', zh: ['春秋'], en: ['spring and autumn', 'chunqiu'] },
  { key: 'warring-states', zh: ['战国'], en: ['warring states', 'zhanguo'] },
  { key: 'qin', zh: ['秦', '秦代', '秦朝'], en: ['qin', "ch'in"] },
  { key: 'western-han', zh: ['西汉'], en: ['western han', 'former han'] },
  { key: 'eastern-han', zh: ['东汉'], en: ['eastern han'] },
  { key: 'han', zh: ['汉', '汉代', '汉朝', '两汉'], en: ['han'] },
  { key: 'three-kingdoms', zh: ['三国'], en: ['three kingdoms'] },
  { key: 'western-jin', zh: ['西晋'], en: ['western jin'] },
  { key: 'eastern-jin', zh: ['东晋'], en: ['eastern jin'] },
  // English "Jin" is both 晋 and the Jurchen 金; the caller picks by the years in the text.
  { key: 'jin', zh: ['晋', '晋代', '晋朝', '两晋'], en: ['jin'] },
  { key: 'jurchen-jin', zh: ['金', '金代', '金朝'], en: ['jin', 'jurchen jin', 'jurchen'] },
  { key: 'southern-northern', zh: ['南北朝'], en: ['northern and southern dynasties', 'southern and northern dynasties'] },
  { key: 'southern-northern', zh: ['六朝'], en: ['six dynasties'], years: [220, 589] },
  { key: 'southern-northern', zh: ['北魏'], en: ['northern wei'], years: [386, 534] },
  { key: 'southern-northern', zh: ['东魏'], en: ['eastern wei'], years: [534, 550] },
  { key: 'southern-northern', zh: ['西魏'], en: ['western wei'], years: [535, 557] },
  { key: 'southern-northern', zh: ['北齐'], en: ['northern qi'], years: [550, 577] },
  { key: 'southern-northern', zh: ['北周'], en: ['northern zhou'], years: [557, 581] },
  { key: 'southern-northern', zh: ['刘宋'], en: ['liu song'], years: [420, 479] },
  { key: 'southern-northern', zh: ['南齐'], en: ['southern qi'], years: [479, 502] },
  { key: 'southern-northern', zh: ['梁朝', '萧梁'], years: [502, 557] },
  { key: 'southern-northern', zh: ['陈朝'], years: [557, 589] },
  { key: 'southern-northern', zh: ['南朝'], en: ['southern dynasties'], years: [420, 589] },
  { key: 'southern-northern', zh: ['北朝'], en: ['northern dynasties'], years: [386, 581] },
  { key: 'sui', zh: ['隋', '隋代', '隋朝'], en: ['sui'] },
  { key: 'tang', zh: ['唐', '唐代', '唐朝'], en: ['tang', "t'ang"] },
  { key: 'five-dynasties', zh: ['五代'], en: ['five dynasties'] },
  { key: 'five-dynasties', zh: ['五代十国'], en: ['five dynasties and ten kingdoms'], years: [907, 979] },
  { key: 'five-dynasties', zh: ['南唐'], en: ['southern tang'], years: [937, 975] },
  { key: 'five-dynasties', zh: ['前蜀'], en: ['former shu'], years: [907, 925] },
  { key: 'five-dynasties', zh: ['后蜀'], en: ['later shu'], years: [934, 965] },
  { key: 'five-dynasties', zh: ['南汉'], en: ['southern han'], years: [917, 971] },
  { key: 'five-dynasties', zh: ['吴越'], en: ['wuyue'], years: [907, 978] },
  { key: 'northern-song', zh: ['北宋'], en: ['northern song', 'northern sung'] },
  { key: 'southern-song', zh: ['南宋'], en: ['southern song', 'southern sung'] },
  { key: 'song', zh: ['宋', '宋代', '宋朝', '两宋'], en: ['song', 'sung'] },
  { key: 'liao', zh: ['辽', '辽代', '辽朝'], en: ['liao', 'khitan'] },
  { key: 'western-xia', zh: ['西夏'], en: ['western xia', 'xixia', 'tangut'] },
  { key: 'yuan', zh: ['元', '元代', '元朝', '大元'], en: ['yuan'] },
  { key: 'ming', zh: ['明', '明代', '明朝', '大明'], en: ['ming'] },
  { key: 'qing', zh: ['清', '清代', '清朝', '大清'], en: ['qing', "ch'ing"] },
  // 民国 alone is in the reign table below, because it counts years (民国二十年 = 1931).
  { key: 'republic', zh: ['中华民国'], en: ['republic of china', 'republic period', 'republican period', 'republic era', 'republican era', 'minguo'] },
  { key: 'prc', zh: ['中华人民共和国'], en: ["people's republic of china", "people's republic"] },
];

/** [name, first year (元年), last year, ...English spellings (pinyin, Wade-Giles)]. */
type ReignRow = readonly [string, number, number, ...string[]];

const MING_REIGNS: readonly ReignRow[] = [
  ['洪武', 1368, 1398, 'hongwu', 'hung-wu'], ['建文', 1399, 1402, 'jianwen', 'chien-wen'],
  ['永乐', 1403, 1424, 'yongle', 'yung-lo'], ['洪熙', 1425, 1425, 'hongxi', 'hung-hsi'],
  ['宣德', 1426, 1435, 'xuande', 'hsuan-te'], ['正统', 1436, 1449, 'zhengtong', "cheng-t'ung"],
  ['景泰', 1450, 1457, 'jingtai', "ching-t'ai"], ['天顺', 1457, 1464, 'tianshun', "t'ien-shun"],
  ['成化', 1465, 1487, 'chenghua', "ch'eng-hua"], ['弘治', 1488, 1505, 'hongzhi', 'hung-chih'],
  ['正德', 1506, 1521, 'zhengde', 'cheng-te'], ['嘉靖', 1522, 1566, 'jiajing', 'chia-ching'],
  ['隆庆', 1567, 1572, 'longqing', "lung-ch'ing"], ['万历', 1573, 1620, 'wanli', 'wan-li'],
  ['泰昌', 1620, 1620, 'taichang', "t'ai-ch'ang"], ['天启', 1621, 1627, 'tianqi', "t'ien-ch'i"],
  ['崇祯', 1628, 1644, 'chongzhen', "ch'ung-chen"],
  // Southern Ming courts, still dated by Ming reigns after 1644
  ['弘光', 1645, 1645, 'hongguang', 'hung-kuang'], ['隆武', 1645, 1646, 'longwu', 'lung-wu'],
  ['永历', 1647, 1662, 'yongli', 'yung-li'],
];

const QING_REIGNS: readonly ReignRow[] = [
  ['顺治', 1644, 1661, 'shunzhi', 'shun-chih'], ['康熙', 1662, 1722, 'kangxi', "k'ang-hsi"],
  ['雍正', 1723, 1735, 'yongzheng', 'yung-cheng'], ['乾隆', 1736, 1795, 'qianlong', "ch'ien-lung"],
  ['嘉庆', 1796, 1820, 'jiaqing', "chia-ch'ing"], ['道光', 1821, 1850, 'daoguang', 'tao-kuang'],
  ['咸丰', 1851, 1861, 'xianfeng', 'hsien-feng'], ['同治', 1862, 1874, 'tongzhi', "t'ung-chih"],
  ['光绪', 1875, 1908, 'guangxu', 'kuang-hsu'], ['宣统', 1909, 1911, 'xuantong', "hsuan-t'ung"],
];

const TANG_REIGNS: readonly ReignRow[] = [
  ['武德', 618, 626, 'wude'], ['贞观', 627, 649, 'zhenguan'], ['永徽', 650, 655, 'yonghui'],
  ['显庆', 656, 661, 'xianqing'], ['开元', 713, 741, 'kaiyuan'], ['天宝', 742, 756, 'tianbao'],
  ['至德', 756, 758, 'zhide'], ['乾元', 758, 760, 'qianyuan'], ['大历', 766, 779, 'dali'],
  ['建中', 780, 783, 'jianzhong'], ['贞元', 785, 805, 'zhenyuan'], ['元和', 806, 820, 'yuanhe'],
  ['长庆', 821, 824, 'changqing'], ['开成', 836, 840, 'kaicheng'], ['会昌', 841, 846, 'huichang'],
  ['大中', 847, 860, 'dazhong'], ['咸通', 860, 874, 'xiantong'], ['乾符', 874, 879, 'qianfu'],
  ['光启', 885, 888, 'guangqi'], ['天祐', 904, 907, 'tianyou'],
];

const NORTHERN_SONG_REIGNS: readonly ReignRow[] = [
  ['建隆', 960, 963, 'jianlong'], ['乾德', 963, 968, 'qiande'], ['开宝', 968, 976, 'kaibao'],
  ['太平兴国', 976, 984, 'taipingxingguo'], ['雍熙', 984, 987, 'yongxi'], ['端拱', 988, 989, 'duangong'],
  ['淳化', 990, 994, 'chunhua'], ['至道', 995, 997, 'zhidao'], ['咸平', 998, 1003, 'xianping'],
  ['景德', 1004, 1007, 'jingde'], ['大中祥符', 1008, 1016, 'dazhongxiangfu'], ['天禧', 1017, 1021, 'tianxi'],
  ['乾兴', 1022, 1022, 'qianxing'], ['天圣', 1023, 1032, 'tiansheng'], ['明道', 1032, 1033, 'mingdao'],
  ['景祐', 1034, 1038, 'jingyou'], ['宝元', 1038, 1040, 'baoyuan'], ['康定', 1040, 1041, 'kangding'],
  ['庆历', 1041, 1048, 'qingli'], ['皇祐', 1049, 1054, 'huangyou'], ['至和', 1054, 1056, 'zhihe'],
  ['嘉祐', 1056, 1063, 'jiayou'], ['治平', 1064, 1067, 'zhiping'], ['熙宁', 1068, 1077, 'xining'],
  ['元丰', 1078, 1085, 'yuanfeng'], ['元祐', 1086, 1094, 'yuanyou'], ['绍圣', 1094, 1098, 'shaosheng'],
  ['元符', 1098, 1100, 'yuanfu'], ['建中靖国', 1101, 1101, 'jianzhongjingguo'], ['崇宁', 1102, 1106, 'chongning'],
  ['大观', 1107, 1110, 'daguan'], ['政和', 1111, 1118, 'zhenghe'], ['重和', 1118, 1119, 'chonghe'],
  ['宣和', 1119, 1125, 'xuanhe'], ['靖康', 1126, 1127, 'jingkang'],
];

const SOUTHERN_SONG_REIGNS: readonly ReignRow[] = [
  ['建炎', 1127, 1130, 'jianyan'], ['绍兴', 1131, 1162, 'shaoxing'], ['隆兴', 1163, 1164, 'longxing'],
  ['乾道', 1165, 1173, 'qiandao'], ['淳熙', 1174, 1189, 'chunxi'], ['绍熙', 1190, 1194, 'shaoxi'],
  ['庆元', 1195, 1200, 'qingyuan'], ['嘉泰', 1201, 1204, 'jiatai'], ['开禧', 1205, 1207, 'kaixi'],
  ['嘉定', 1208, 1224, 'jiading'], ['宝庆', 1225, 1227, 'baoqing'], ['绍定', 1228, 1233, 'shaoding'],
  ['端平', 1234, 1236, 'duanping'], ['嘉熙', 1237, 1240, 'jiaxi'], ['淳祐', 1241, 1252, 'chunyou'],
  ['宝祐', 1253, 1258, 'baoyou'], ['开庆', 1259, 1259, 'kaiqing'], ['景定', 1260, 1264, 'jingding'],
  ['咸淳', 1265, 1274, 'xianchun'], ['德祐', 1275, 1276, 'deyou'], ['景炎', 1276, 1278, 'jingyan'],
  ['祥兴', 1278, 1279, 'xiangxing'],
];

const YUAN_REIGNS: readonly ReignRow[] = [
  ['中统', 1260, 1264, 'zhongtong'], ['至元', 1264, 1294, 'zhiyuan'], ['元贞', 1295, 1297, 'yuanzhen'],
  ['大德', 1297, 1307, 'dade'], ['至大', 1308, 1311, 'zhida'], ['皇庆', 1312, 1313, 'huangqing'],
  ['延祐', 1314, 1320, 'yanyou'], ['至治', 1321, 1323, 'zhizhi'], ['泰定', 1324, 1328, 'taiding'],
  ['天历', 1328, 1330, 'tianli'], ['至顺', 1330, 1333, 'zhishun'], ['元统', 1333, 1335, 'yuantong'],
  ['后至元', 1335, 1340, 'houzhiyuan'], ['至正', 1341, 1370, 'zhizheng'],
];

export interface Reign { key: DynastyKey; zh: string; en: readonly string[]; earliest: number; latest: number; strictEn: boolean }

// Ming and Qing reign names are distinctive English words; the earlier ones are also places and
// people (Shaoxing, Zhenghe), so in English they count only before "period", "reign", "era"….
const reigns = (key: DynastyKey, rows: readonly ReignRow[], strictEn: boolean): Reign[] =>
  rows.map(([zh, earliest, latest, ...en]) => ({ key, zh, en, earliest, latest, strictEn }));

/** Every reign period the parser knows, Tang to Qing, plus the Republic's year count. */
export const REIGNS: readonly Reign[] = [
  ...reigns('tang', TANG_REIGNS, true),
  ...reigns('northern-song', NORTHERN_SONG_REIGNS, true),
  ...reigns('southern-song', SOUTHERN_SONG_REIGNS, true),
  ...reigns('yuan', YUAN_REIGNS, true),
  ...reigns('ming', MING_REIGNS, false),
  ...reigns('qing', QING_REIGNS, false),
  { key: 'republic', zh: '民国', en: [], earliest: 1912, latest: 1949, strictEn: true },
];

// Traditional forms of the characters that occur in the names and date words above.
const TRADITIONAL_PAIRS =
  '樂乐慶庆萬万曆历歷历禎祯啓启啟启順顺統统豐丰緒绪貞贞觀观寶宝開开顯显會会長长興兴寧宁紹绍聖圣' +
  '漢汉東东晉晋國国遼辽戰战華华後后間间約约紀纪葉叶號号製制齊齐劉刘時时兩两鎮镇藍蓝與与陳陈蕭萧吳吴';
const TRADITIONAL = new Map<string, string>();
for (let i = 0; i + 1 < TRADITIONAL_PAIRS.length; i += 2) {
  TRADITIONAL.set(TRADITIONAL_PAIRS.charAt(i), TRADITIONAL_PAIRS.charAt(i + 1));
}

/** Maps the traditional characters used in dates and era names to their simplified forms. */
export function foldTraditional(text: string): string {
  return text.replace(/[\u3400-\u9fff]/g, (ch) => TRADITIONAL.get(ch) ?? ch);
}

const DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const TENS: Record<string, number> = { 廿: 20, 卅: 30, 卌: 40 };

/** Reads 一七六八 (digit by digit) or 三十三 / 二百零六 / 廿三 (with units); null if it is neither. */
export function chineseNumber(text: string): number | null {
  const positional = !/[十百千廿卅卌]/.test(text);
  let total = 0;
  let digit: number | null = null;
  for (const ch of text) {
    const d = DIGITS[ch];
    const unit = UNITS[ch];
    const tens = TENS[ch];
    if (d !== undefined) {
      if (positional) total = total * 10 + d;
      else digit = d;
    } else if (unit !== undefined) {
      total += (digit ?? 1) * unit;
      digit = null;
    } else if (tens !== undefined) {
      total += tens;
    } else {
      return null;
    }
  }
  return positional ? total : total + (digit ?? 0);
}

// Only numerals that stand before a year, century or range word are years; 三国 and 五代 are names.
const NUMERAL_RUN = /[〇零一二两三四五六七八九十百千廿卅卌]{1,8}(?=\s*(?:年|世纪|至|到|-))/g;

/** Rewrites Chinese numerals that count years or centuries as Arabic digits (乾隆三十三年 → 乾隆33年). */
export function chineseNumeralsToDigits(text: string): string {
  return text.replace(NUMERAL_RUN, (run) => {
    const n = chineseNumber(run);
    return n === null ? run : String(n);
  });
}

export type EraPart = 'early' | 'mid' | 'late';
export interface EraSpan { key: DynastyKey; earliest: number; latest: number }
/** A dynasty named at `index` in the text; several candidates when the name is ambiguous (English "Jin"). */
export interface DynastyHit { index: number; candidates: readonly EraSpan[]; part?: EraPart }
/** A reign named in the text, with the exact year when the text counts one (乾隆三十三年). */
export interface ReignHit extends EraSpan { index: number; year?: number }
/** What `scanEras` found, and the text with those names blanked out for the year parser. */
export interface EraScan { dynasties: DynastyHit[]; reigns: ReignHit[]; rest: string }

const canonical = (name: string): string => name.replace(/[\s-]+/g, '');
const pattern = (names: Iterable<string>): string =>
  [...new Set(names)]
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/-/g, '[\\s-]?').replace(/ /g, '[\\s-]+'))
    .join('|');

function index<T>(entries: Iterable<[string, T]>): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const [name, value] of entries) map.set(name, [...(map.get(name) ?? []), value]);
  return map;
}

const DYNASTY_SPANS = DYNASTY_NAMES.map((n) => ({
  name: n,
  span: { key: n.key, earliest: n.years?.[0] ?? DYNASTIES[n.key].earliest, latest: n.years?.[1] ?? DYNASTIES[n.key].latest },
}));
const ZH_DYNASTY = index(DYNASTY_SPANS.flatMap(({ name, span }) => (name.zh ?? []).map((zh): [string, EraSpan] => [zh, span])));
const EN_DYNASTY = index(DYNASTY_SPANS.flatMap(({ name, span }) => (name.en ?? []).map((en): [string, EraSpan] => [canonical(en), span])));
const ZH_REIGN = new Map(REIGNS.map((r) => [r.zh, r]));
const EN_REIGN = new Map(REIGNS.flatMap((r) => r.en.map((en): [string, Reign] => [canonical(en), r])));
const SINGLE_CHAR_DYNASTIES = new Set([...ZH_DYNASTY.keys()].filter((n) => n.length === 1));

// Alternations of literal names only (longest first), so matching is linear in the text length.
const ZH_REIGN_RE = new RegExp(
  `(${pattern(ZH_REIGN.keys())})(?:\\s*(元|\\d{1,3})\\s*年|\\s*([甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]))?`, 'g');
const EN_REIGN_RE = new RegExp(
  `\\b(${pattern(REIGNS.flatMap((r) => r.en))})\\b(?:[\\s-]*(period|reign|era|mark|year))?`, 'g');
const ZH_DYNASTY_RE = new RegExp(`(${pattern(ZH_DYNASTY.keys())})`, 'g');
const EN_DYNASTY_RE = new RegExp(
  `(?:\\b(early|mid|middle|late)[\\s-]+)?\\b(${pattern(DYNASTY_NAMES.flatMap((n) => n.en ?? []))})\\b`, 'g');
const ZH_SUFFIX_RE = /(?:代|朝)?(?:时期)?(初期|初年|初叶|初|早期|前期|中期|中叶|晚期|末期|末年|末叶|末|后期)?/y;
const ZH_PREFIX: Record<string, EraPart> = { 早: 'early', 初: 'early', 中: 'mid', 盛: 'mid', 晚: 'late' };
const PART_WORDS: Record<string, EraPart> = {
  初期: 'early', 初年: 'early', 初叶: 'early', 初: 'early', 早期: 'early', 前期: 'early', early: 'early',
  中期: 'mid', 中叶: 'mid', mid: 'mid', middle: 'mid',
  晚期: 'late', 末期: 'late', 末年: 'late', 末叶: 'late', 末: 'late', 后期: 'late', late: 'late',
};
// Place and object names that contain a reign name: 景德镇 (Jingdezhen), 景泰蓝 (cloisonné).
const FALSE_FRIENDS = /景德镇|景泰蓝/g;
const STEMS = '甲乙丙丁戊己庚辛壬癸';
const BRANCHES = '子丑寅卯辰巳午未申酉戌亥';

const isHan = (ch: string): boolean => /[\u3400-\u9fff]/.test(ch);
const blank = (text: string, start: number, end: number): string =>
  text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);

/** The year in [from, to] named by a sexagenary (干支) pair such as 戊子. */
function cyclicalYear(pair: string, from: number, to: number): number | undefined {
  const stem = STEMS.indexOf(pair.charAt(0));
  const branch = BRANCHES.indexOf(pair.charAt(1));
  for (let y = from; y <= to; y++) {
    const i = (((y - 4) % 60) + 60) % 60; // 4 CE was a 甲子 year
    if (i % 10 === stem && i % 12 === branch) return y;
  }
  return undefined;
}

function reignHit(index: number, reign: Reign, count?: string, cyclical?: string): ReignHit {
  const hit: ReignHit = { index, key: reign.key, earliest: reign.earliest, latest: reign.latest };
  const n = count === '元' ? 1 : Number(count);
  const counted = count !== undefined && n >= 1 ? reign.earliest + n - 1 : undefined;
  const year = counted !== undefined && counted <= reign.latest ? counted
    : cyclical ? cyclicalYear(cyclical, reign.earliest, reign.latest) : undefined;
  return year === undefined ? hit : { ...hit, year };
}

function scanReigns(text: string, reigns: ReignHit[]): string {
  let rest = text;
  for (const m of text.matchAll(ZH_REIGN_RE)) {
    const reign = ZH_REIGN.get(m[1] ?? '');
    if (!reign) continue;
    reigns.push(reignHit(m.index, reign, m[2], m[3]));
    rest = blank(rest, m.index, m.index + m[0].length);
  }
  for (const m of rest.matchAll(EN_REIGN_RE)) {
    const reign = EN_REIGN.get(canonical(m[1] ?? ''));
    if (!reign || (reign.strictEn && !m[2])) continue;
    reigns.push(reignHit(m.index, reign));
    rest = blank(rest, m.index, m.index + m[0].length);
  }
  return rest;
}

// A lone character (明, 元, 金, 周) is a dynasty only when it stands apart from other words:
// not in 公元 or 元年, 描金, 周昉, but yes in 明 永乐, 晚清, 明末清初, 宋元, 宋人.
function scanChineseDynasties(text: string, hits: DynastyHit[]): string {
  let rest = text;
  let lastEnd = -1;
  const re = new RegExp(ZH_DYNASTY_RE.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[1] ?? '';
    const start = m.index;
    ZH_SUFFIX_RE.lastIndex = start + name.length;
    const suffix = ZH_SUFFIX_RE.exec(text);
    const end = start + name.length + (suffix?.[0].length ?? 0);
    const prev = text.charAt(start - 1);
    const prefix = start - 1 >= lastEnd ? ZH_PREFIX[prev] : undefined;
    if (name.length === 1) {
      const next = text.charAt(end);
      const prevOk = start - 1 < lastEnd || !isHan(prev) || prefix !== undefined;
      const nextOk = end > start + 1 || !isHan(next) || next === '人' || SINGLE_CHAR_DYNASTIES.has(next);
      if (!prevOk || !nextOk) {
        re.lastIndex = start + 1;
        continue;
      }
    }
    const part = PART_WORDS[suffix?.[1] ?? ''] ?? prefix;
    hits.push({ index: start, candidates: ZH_DYNASTY.get(name) ?? [], ...(part ? { part } : {}) });
    rest = blank(rest, prefix ? start - 1 : start, end);
    lastEnd = end;
  }
  return rest;
}

function scanEnglishDynasties(text: string, hits: DynastyHit[]): string {
  let rest = text;
  for (const m of text.matchAll(EN_DYNASTY_RE)) {
    const candidates = EN_DYNASTY.get(canonical(m[2] ?? '')) ?? [];
    const part = PART_WORDS[m[1] ?? ''];
    hits.push({ index: m.index, candidates, ...(part ? { part } : {}) });
    rest = blank(rest, m.index, m.index + m[0].length);
  }
  return rest;
}

/** Finds reigns and dynasties in normalised text (lower-cased, traditional folded, numerals as digits). */
export function scanEras(text: string): EraScan {
  const dynasties: DynastyHit[] = [];
  const reigns: ReignHit[] = [];
  let rest = scanReigns(text.replace(FALSE_FRIENDS, (s) => ' '.repeat(s.length)), reigns);
  rest = scanChineseDynasties(rest, dynasties);
  rest = scanEnglishDynasties(rest, dynasties);
  return { dynasties, reigns, rest };
}
