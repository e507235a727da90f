// Catalogue benchmark: seeds N synthetic works (default 100,000) into SQLite, then measures the
// catalogue page and the search API through the real HTTP stack (in-process inject).
// Run: npm run bench:catalogue  (BENCH_WORKS=100000 BENCH_DIALECT=sqlite|postgres)
import path from 'node:path';
import { sql } from 'kysely';
import fs from 'node:fs';
import { createApp } from '../src/app.js';
import { facetColumns } from '../src/archive/work-facets.js';
import { workMetadataSchema } from '../src/archive/metadata.schema.js';
import { SearchIndex } from '../src/discover/search-index.js';
import { loadConfig } from '../src/platform/config.js';
import { newId } from '../src/platform/ids.js';
import { buildServer } from '../src/platform/http/server.js';
import { machine, peakRssMiB, percentile, tempDir } from './support.js';

const N = Number(process.env.BENCH_WORKS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const pgUrl = process.env.BENCH_POSTGRES_URL;

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

function syntheticMetadata(i: number) {
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

const dataDir = tempDir('wenyuan-bench-catalogue-');
const app = await createApp(loadConfig({ dataDir, databaseUrl: pgUrl ?? `sqlite:${path.join(dataDir, 'wenyuan.db')}` }, {}));
const admin = await app.identity.createUser({ username: 'bench', password: 'bench-password-1', role: 'admin' });
const { token } = await app.identity.createApiToken(admin.id, 'bench');
const index = new SearchIndex(app.database);

const seedStart = performance.now();
const BATCH = 1000;
for (let from = 0; from < N; from += BATCH) {
  await app.database.db.transaction().execute(async (trx) => {
    for (let i = from; i < Math.min(N, from + BATCH); i++) {
      const metadata = syntheticMetadata(i);
      const now = new Date().toISOString();
      const row = await app.workRepository.insertWork(trx, { id: newId(), source_key: null, collection_id: null, owner_id: admin.id, visibility: rand() < 0.9 ? 'public' : 'private', work_type: 'record', metadata: JSON.stringify(metadata), version: 1, ...facetColumns(metadata), primary_file_sha256: null, created_at: now, updated_at: now });
      await index.indexWork(trx, { seq: Number(row.seq), metadata });
    }
  });
}
await sql`ANALYZE`.execute(app.database.db);
const seedSeconds = (performance.now() - seedStart) / 1000;

const server = await buildServer(app.http, { webRoot: null });
await server.ready();

const scenarios: { name: string; url: string; auth?: boolean }[] = [
  { name: 'catalogue page 1 (anonymous, facets)', url: '/api/works' },
  { name: 'catalogue page 50 (anonymous)', url: '/api/works?page=50' },
  { name: 'catalogue, staff view', url: '/api/works', auth: true },
  { name: 'search zh "溪山行旅"', url: `/api/works?q=${encodeURIComponent('溪山行旅')}` },
  { name: 'search zh "范宽"', url: `/api/works?q=${encodeURIComponent('范宽')}` },
  { name: 'search en "mountain river"', url: '/api/works?q=mountain%20river' },
  { name: 'search en prefix "trav"', url: '/api/works?q=trav' },
  { name: 'facet filter industry=02 + heritage', url: '/api/works?industry=02&heritage=tangible' },
  { name: 'year range 1368-1644', url: '/api/works?yearFrom=1368&yearTo=1644' },
  { name: 'search + facet + years + sort=date', url: `/api/works?q=${encodeURIComponent('山水')}&industry=02&yearFrom=900&yearTo=1300&sort=date` },
];

// The first request loads the in-memory facet index (a server does this at start-up).
const warmStart = performance.now();
await server.inject({ method: 'GET', url: '/api/works' });
const warmMs = performance.now() - warmStart;

console.log(`machine: ${machine()}`);
console.log(`database: ${app.database.dialect}; seeded ${N} works in ${seedSeconds.toFixed(1)} s (${(N / seedSeconds).toFixed(0)} works/s)`);
console.log(`first request (loads the facet index of ${N} works): ${warmMs.toFixed(0)} ms`);
console.log(`${'scenario'.padEnd(42)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}  results`);
for (const s of scenarios) {
  const times: number[] = [];
  let total = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    const res = await server.inject({ method: 'GET', url: s.url, headers: s.auth ? { authorization: `Bearer ${token}` } : {} });
    times.push(performance.now() - start);
    if (res.statusCode !== 200) throw new Error(`${s.url} → ${res.statusCode} ${res.body}`);
    total = (res.json() as { total: number }).total;
  }
  times.sort((a, b) => a - b);
  console.log(`${s.name.padEnd(42)} ${percentile(times, 50).toFixed(1).padStart(8)} ${percentile(times, 95).toFixed(1).padStart(8)} ${times[times.length - 1]!.toFixed(1).padStart(8)}  ${total}`);
}
console.log(`peak RSS: ${peakRssMiB().toFixed(0)} MiB`);
await server.close();
await app.close();
fs.rmSync(dataDir, { recursive: true, force: true });
