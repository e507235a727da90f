// Seeds a synthetic catalogue (deterministic: every run seeds the same works) for the catalogue
// and concurrency benchmarks: Chinese and English titles, creators, dates, media, facets.
import { sql } from 'kysely';
import type { App } from '../src/app.js';
import { facetColumns } from '../src/archive/work-facets.js';
import { workMetadataSchema } from '../src/archive/metadata.schema.js';
import { SearchIndex } from '../src/discover/search-index.js';
import { newId } from '../src/platform/ids.js';

// A deterministic generator so every run seeds the same catalogue.
let seed = 42;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const ZH = ['山水', '溪山', '行旅', '松风', '秋色', '寒林', '春山', '渔父', '花鸟', '仕女', '竹石', '梅花', '楼阁', '雪景', '云山', '江帆', '牡丹', '墨竹', '观瀑', '归樵', '琴谱', '瓷瓶', '青花', '铜鼎', '玉璧', '书法', '册页', '手卷'];
const EN = ['landscape', 'mountain', 'river', 'autumn', 'pine', 'bamboo', 'plum', 'scroll', 'album', 'vase', 'bronze', 'jade', 'portrait', 'travelers', 'snow', 'lotus', 'crane', 'garden', 'temple', 'fisherman'];
const ARTISTS = [['范宽', 'Fan Kuan'], ['郭熙', 'Guo Xi'], ['李成', 'Li Cheng'], ['马远', 'Ma Yuan'], ['夏圭', 'Xia Gui'], ['赵孟頫', 'Zhao Mengfu'], ['沈周', 'Shen Zhou'], ['文徵明', 'Wen Zhengming'], ['唐寅', 'Tang Yin'], ['董其昌', 'Dong Qichang'], ['J. M. W. Turner', 'J. M. W. Turner'], ['Unknown', 'Unknown']] as const;
const MEDIA = [{ en: 'ink on silk', 'zh-Hans': '绢本水墨' }, { en: 'ink and colour on paper', 'zh-Hans': '纸本设色' }, { en: 'porcelain', 'zh-Hans': '瓷' }, { en: 'bronze', 'zh-Hans': '青铜' }, { en: 'graphite on paper', 'zh-Hans': '纸本铅笔' }];
const INSTITUTIONS = [{ en: 'National Palace Museum', 'zh-Hans': '台北故宫博物院' }, { en: 'Metropolitan Museum of Art', 'zh-Hans': '大都会艺术博物馆' }, { en: 'Dunhuang Academy', 'zh-Hans': '敦煌研究院' }, { en: 'Tate', 'zh-Hans': '泰特美术馆' }, { en: 'County Cultural Centre', 'zh-Hans': '县文化馆' }];
const RIGHTS = ['https://creativecommons.org/publicdomain/zero/1.0/', 'http://rightsstatements.org/vocab/InC/1.0/', 'http://rightsstatements.org/vocab/NoC-US/1.0/'];
const INDUSTRY = ['01', '02', '03', '04', '05', '06', '07', '08', '09'] as const;
const HERITAGE = ['tangible', 'intangible', 'creative'] as const;

export function syntheticMetadata(i: number) {
  const [zhName, enName] = pick(ARTISTS);
  const start = Math.floor(600 + rand() * 1400);
  return workMetadataSchema.parse({
    title: { 'zh-Hans': `${pick(ZH)}${pick(ZH)}图 ${i}`, en: `${pick(EN)} ${pick(EN)} no. ${i}` },
    creators: [{ name: { 'zh-Hans': zhName, en: enName }, role: 'artist' }],
    date: { display: { en: `${start}–${start + 20}` }, earliest: start, latest: start + Math.floor(rand() * 40) },
    medium: pick(MEDIA),
    institution: pick(INSTITUTIONS),
    inventoryNumber: `BENCH-${i}`,
    rights: { uri: pick(RIGHTS) },
    classification: { industry: pick(INDUSTRY), heritage: pick(HERITAGE) },
    subjects: [{ en: pick(EN), 'zh-Hans': pick(ZH) }],
  });
}

/** Inserts `count` works owned by `ownerId` (90% public), indexed for search unless told not to; returns the seconds it took. */
export async function seedCatalogue(app: App, ownerId: string, count: number, options: { searchIndex?: boolean } = {}): Promise<number> {
  const index = new SearchIndex(app.database);
  const seedStart = performance.now();
  const BATCH = 1000;
  for (let from = 0; from < count; from += BATCH) {
    await app.database.db.transaction().execute(async (trx) => {
      for (let i = from; i < Math.min(count, from + BATCH); i++) {
        const metadata = syntheticMetadata(i);
        const now = new Date().toISOString();
        const row = await app.workRepository.insertWork(trx, { id: newId(), source_key: null, collection_id: null, owner_id: ownerId, visibility: rand() < 0.9 ? 'public' : 'private', work_type: 'record', metadata: JSON.stringify(metadata), version: 1, ...facetColumns(metadata), primary_file_sha256: null, created_at: now, updated_at: now });
        if (options.searchIndex ?? true) await index.indexWork(trx, { seq: Number(row.seq), metadata });
      }
    });
  }
  await sql`ANALYZE`.execute(app.database.db);
  return (performance.now() - seedStart) / 1000;
}
