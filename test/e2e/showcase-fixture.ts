import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { cli, type RunningServer } from './server-process.js';

/**
 * A small museum's public face, built the way its staff would: photographs and paintings imported
 * public, museum records with dates and places (Carnegie Museum of Art objects, National Palace Museum Chinese paintings), one painting
 * described with a place, a published exhibition that zooms through that painting section by
 * section, and a curated home page. Shared by the showcase end-to-end tests and `bench/showcase.ts`.
 */
export const SHOWCASE_DATA = {
  kodak: path.resolve('../shared/data/images/kodak'),
  paintings: path.resolve('../shared/data/images/wesnoth/story'),
  cmoa: path.resolve('../shared/data/collections/cmoa/cmoa'),
  taipei: path.resolve('../shared/data/collections/meng-v-chinese-art/taipei_image_url.csv'),
};

export const haveShowcaseData = (): boolean => Object.values(SHOWCASE_DATA).every((p) => fs.existsSync(p));

export interface ShowcaseFixture {
  /** Headers of the signed-in admin (cookie + CSRF). */
  headers: Record<string, string>;
  paintingId: string;
  paintingSha256: string;
  paintingSize: { width: number; height: number };
  photoIds: string[];
  exhibition: { id: string; slug: string; sectionIds: string[]; regions: { x: number; y: number; width: number; height: number }[] };
}

export async function seedShowcase(server: RunningServer, adminPassword: string): Promise<ShowcaseFixture> {
  const run = (args: string[], input?: string, expected: number[] = [0]) => {
    const result = cli(server.dataDir, args, input);
    expect(expected, `wenyuan ${args.join(' ')}\n${result.stdout}${result.stderr}`).toContain(result.status);
  };
  run(['admin', 'create', 'admin', '--password-stdin'], adminPassword);
  const photos = fs.mkdtempSync(path.join(server.dataDir, 'photos-'));
  for (const f of fs.readdirSync(SHOWCASE_DATA.kodak).sort().slice(0, 12)) fs.copyFileSync(path.join(SHOWCASE_DATA.kodak, f), path.join(photos, f));
  run(['import', photos, '--visibility', 'public', '--json']);
  const paintings = fs.mkdtempSync(path.join(server.dataDir, 'paintings-'));
  for (const f of fs.readdirSync(SHOWCASE_DATA.paintings).sort().slice(0, 4)) fs.copyFileSync(path.join(SHOWCASE_DATA.paintings, f), path.join(paintings, f));
  run(['import', paintings, '--visibility', 'public', '--json']);
  // Records without images (their image URLs are not fetched); exit 2 = some rows reported.
  run(['import', SHOWCASE_DATA.cmoa, '--records', SHOWCASE_DATA.cmoa, '--mapping', 'mappings/cmoa-objects.json', '--visibility', 'public', '--json'], undefined, [0, 2]);
  run(['import', path.dirname(SHOWCASE_DATA.taipei), '--records', SHOWCASE_DATA.taipei, '--mapping', 'mappings/npm-taipei-chinese-painting.json', '--visibility', 'public', '--json'], undefined, [0, 2]);

  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wenyuan-csrf': '1' }, body: JSON.stringify({ username: 'admin', password: adminPassword }) });
  expect(login.ok).toBe(true);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const headers = { 'content-type': 'application/json', 'x-wenyuan-csrf': '1', cookie };
  const send = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${url}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    expect(res.ok, `${method} ${url}: ${res.status} ${res.ok ? '' : await res.text()}`).toBe(true);
    return (await res.json()) as T;
  };

  type Item = { id: string; title: Record<string, string>; thumbnail: { width: number; height: number } | null };
  const images = await send<{ items: Item[] }>('GET', '/api/works?type=image&pageSize=100&sort=title');
  const painting = images.items.find((w) => Object.values(w.title).some((t) => /Midlands/i.test(t))) ?? images.items.find((w) => w.thumbnail && w.thumbnail.width > w.thumbnail.height)!;
  const detail = await send<{ version: number; metadata: Record<string, unknown>; files: { sha256: string; width: number | null; height: number | null }[] }>('GET', `/api/works/${painting.id}`);
  const file = detail.files[0]!;
  const width = file.width ?? 1920;
  const height = file.height ?? 1080;
  await send('PATCH', `/api/works/${painting.id}`, {
    expectedVersion: detail.version,
    metadata: {
      ...detail.metadata,
      title: { 'zh-Hans': '中原山河图', 'zh-Hant': '中原山河圖', en: 'Rivers and Hills of the Midlands' },
      date: { display: { 'zh-Hans': '清 乾隆年间', en: 'Qing dynasty, Qianlong reign' }, earliest: 1736, latest: 1795 },
      place: { 'zh-Hans': '浙江杭州', en: 'Hangzhou, Zhejiang' },
      medium: { 'zh-Hans': '绢本设色', en: 'Ink and colour on silk' },
      description: {
        'zh-Hans': '长卷式的山水，自右向左展开：远山、村落、河谷与行旅。',
        en: 'A landscape that unrolls from right to left: distant peaks, villages, a river valley and travellers.',
      },
    },
  });

  const third = (i: number) => ({ x: Math.round((width / 3) * i), y: Math.round(height / 6), width: Math.round(width / 3), height: Math.round((height * 2) / 3) });
  const regions = [third(0), third(1), third(2)];
  const sectionIds = ['peaks', 'village', 'travellers'];
  const exhibition = await send<{ id: string; slug: string }>('POST', '/api/exhibitions', {
    slug: 'rivers-and-hills',
    title: { 'zh-Hans': '山河行旅：一幅长卷的细读', en: 'Rivers and Hills: Reading a Long Painting' },
    subtitle: { 'zh-Hans': '跟随画中人走过山谷', en: 'Walk the valley with the travellers in the picture' },
    summary: { 'zh-Hans': '三个片段，放大细看。', en: 'Three passages, looked at closely.' },
    cover: { workId: painting.id },
    sections: sectionIds.map((id, i) => ({
      id,
      heading: { 'zh-Hans': ['远山', '村落', '行旅'][i]!, en: ['Distant peaks', 'The village', 'Travellers'][i]! },
      body: {
        'zh-Hans': `第 ${i + 1} 段。画家用**淡墨**层层皴擦，[查看作品](/works/${painting.id})。`,
        en: `Passage ${i + 1}. The painter builds the forms with **pale ink**, layer on layer; [see the work](/works/${painting.id}).`,
      },
      media: { workId: painting.id, file: file.sha256, region: regions[i], caption: { 'zh-Hans': `局部 ${i + 1}`, en: `Detail ${i + 1}` } },
      links: i === 2 ? images.items.filter((w) => w.id !== painting.id).slice(0, 3).map((w) => w.id) : [],
    })),
    status: 'published',
  });

  const photoIds = images.items.filter((w) => w.id !== painting.id).map((w) => w.id);
  await send('PUT', '/api/showcase/home/settings', {
    heroTitle: { 'zh-Hans': '山河入画', en: 'Landscapes into Pictures' },
    heroText: { 'zh-Hans': '一座县级文化馆的数字典藏：书画、照片与档案。', en: 'A county cultural centre’s digital collection: paintings, photographs and records.' },
    featuredWorkIds: [painting.id, ...photoIds.slice(0, 6)],
    featuredCollectionIds: [],
    featuredExhibitionIds: [exhibition.id],
  });
  return { headers, paintingId: painting.id, paintingSha256: file.sha256, paintingSize: { width, height }, photoIds, exhibition: { id: exhibition.id, slug: exhibition.slug, sectionIds, regions } };
}
