import { fromLangDraft, toLangDraft, type LangDraft } from '../../metadata-draft';
import type { MessageKey } from '../../i18n';
import type { Exhibition, ExhibitionInput, ExhibitionMedia, FileView, ImageRegion, LangMap, ShowcaseWork, WorkDetail } from '../../types';

/**
 * The exhibition editor's form state and its conversion to and from the API's shapes. Pure: ids
 * come from a random source passed in, times from the caller, so every rule is tested without a
 * browser. Numbers stay strings while typed, so a half-typed region is not lost.
 */

/** The languages a section's Markdown is written in side by side (a stored text may add more). */
export const BODY_LANGS = ['zh-Hans', 'en'] as const;

/** What the server accepts (showcase.contract.ts): kept in step by the tests of both. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MAX = 80;
export const SECTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const MARKDOWN_MAX = 50_000;
export const LINKS_MAX = 50;
export const SECTIONS_MAX = 200;

export interface RegionDraft {
  x: string;
  y: string;
  width: string;
  height: string;
}

export interface MediaDraft {
  workId: string;
  /** sha256 of the file shown; '' is the work's main file. */
  file: string;
  region: RegionDraft | null;
  caption: LangDraft;
  /** The work as last loaded (title, image size, IIIF service), for the preview and the region; null when not known. */
  work: ShowcaseWork | null;
}

/** A linked work: its id, and what the form shows of it. */
export interface LinkDraft {
  workId: string;
  title: LangMap | null;
  thumbnail: string | null;
}

export interface SectionDraft {
  id: string;
  heading: LangDraft;
  body: LangDraft;
  media: MediaDraft | null;
  links: LinkDraft[];
}

export interface ExhibitionDraft {
  slug: string;
  /** Once the curator types a slug, the title no longer suggests one. */
  slugEdited: boolean;
  title: LangDraft;
  subtitle: LangDraft;
  summary: LangDraft;
  cover: MediaDraft | null;
  sections: SectionDraft[];
  status: 'draft' | 'published';
  /** A `datetime-local` value in the curator's time zone; '' publishes at once. */
  publishAt: string;
}

/**
 * A URL slug from a title: Latin letters without their accents, digits, single hyphens, at most 80
 * characters cut at a word; '' when the title has nothing Latin (a Chinese-only title: the curator
 * types one).
 */
export function suggestSlug(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > SLUG_MAX) break;
    slug = next;
  }
  return slug || (words[0]?.slice(0, SLUG_MAX) ?? '');
}

/** The slug the title suggests: from the English title, else from any title with Latin letters. */
export function slugFromTitle(title: LangDraft): string {
  const ordered = [title.en ?? '', ...Object.entries(title).filter(([tag]) => tag !== 'en').map(([, v]) => v)];
  for (const text of ordered) {
    const slug = suggestSlug(text);
    if (slug) return slug;
  }
  return '';
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** A new section id (the reader's `#anchor`), unlike the others; `random` gives numbers in [0, 1). */
export function newSectionId(random: () => number, taken: ReadonlySet<string>): string {
  for (;;) {
    let id = 's-';
    for (let i = 0; i < 6; i++) id += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length) % ID_ALPHABET.length];
    if (!taken.has(id)) return id;
  }
}

/** Text inputs for a section's Markdown: the side-by-side languages plus any other the text has. */
export function toBodyDraft(map: LangMap | null | undefined): LangDraft {
  const draft: LangDraft = {};
  for (const tag of BODY_LANGS) draft[tag] = map?.[tag] ?? '';
  for (const [tag, value] of Object.entries(map ?? {})) if (!(tag in draft)) draft[tag] = value;
  return draft;
}

export function emptySection(id: string): SectionDraft {
  return { id, heading: toBodyDraft(null), body: toBodyDraft(null), media: null, links: [] };
}

export function emptyDraft(): ExhibitionDraft {
  return { slug: '', slugEdited: false, title: toLangDraft(null), subtitle: toLangDraft(null), summary: toLangDraft(null), cover: null, sections: [], status: 'draft', publishAt: '' };
}

export function toRegionDraft(region: ImageRegion | null | undefined): RegionDraft | null {
  return region ? { x: String(region.x), y: String(region.y), width: String(region.width), height: String(region.height) } : null;
}

/** A new media choice for a work (its main file, the whole image). */
export function mediaFor(work: ShowcaseWork): MediaDraft {
  return { workId: work.id, file: '', region: null, caption: toBodyDraft(null), work };
}

function toMediaDraft(media: ExhibitionMedia | null | undefined): MediaDraft | null {
  if (!media) return null;
  return { workId: media.workId, file: media.file ?? '', region: toRegionDraft(media.region), caption: toBodyDraft(media.caption), work: media.work };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO time as a `datetime-local` value in this browser's time zone ('' for none). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value as an ISO time (UTC); null when it is not a time. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The form's starting values for a stored exhibition. */
export function toExhibitionDraft(exhibition: Exhibition): ExhibitionDraft {
  return {
    slug: exhibition.slug,
    slugEdited: true,
    title: toLangDraft(exhibition.title),
    subtitle: toLangDraft(exhibition.subtitle),
    summary: toLangDraft(exhibition.summary),
    cover: toMediaDraft(exhibition.cover),
    sections: exhibition.sections.map((s) => ({
      id: s.id,
      heading: toBodyDraft(s.heading),
      body: toBodyDraft(s.body),
      media: toMediaDraft(s.media),
      links: s.links.map((work) => ({ workId: work.id, title: work.title, thumbnail: work.image?.thumbnail?.url ?? null })),
    })),
    status: exhibition.status,
    publishAt: toLocalInput(exhibition.publishAt),
  };
}

const WHOLE = /^\d+$/;

/** A typed region as the API's, or null when a number is missing or not a whole number (width and height at least 1). */
export function parseRegion(region: RegionDraft): ImageRegion | null {
  const values = [region.x, region.y, region.width, region.height].map((v) => v.trim());
  if (!values.every((v) => WHOLE.test(v))) return null;
  const [x, y, width, height] = values.map(Number) as [number, number, number, number];
  if (width < 1 || height < 1 || [x, y, width, height].some((n) => n > 1_000_000)) return null;
  return { x, y, width, height };
}

/** The image size a media choice shows, when the work's data says it. */
export function mediaSize(media: MediaDraft): { width: number; height: number } | null {
  const image = media.work?.image;
  return image?.width && image.height ? { width: image.width, height: image.height } : null;
}

/** Something the form must have fixed before saving, with the message key that says it. */
export interface DraftProblem {
  /** Where: 'slug', 'title', 'publishAt', 'cover', or a section id. */
  where: string;
  key: MessageKey;
  params?: Record<string, string | number>;
}

function mediaProblems(media: MediaDraft | null, where: string, place: string): DraftProblem[] {
  if (!media) return [];
  const problems: DraftProblem[] = [];
  if (!media.workId.trim()) problems.push({ where, key: 'exhibitions.problem.noWork', params: { place } });
  if (media.region) {
    const region = parseRegion(media.region);
    const size = mediaSize(media);
    if (!region) problems.push({ where, key: 'exhibitions.problem.region', params: { place } });
    else if (size && (region.x + region.width > size.width || region.y + region.height > size.height)) {
      problems.push({ where, key: 'exhibitions.problem.regionOutside', params: { place, width: size.width, height: size.height } });
    }
  }
  return problems;
}

/**
 * What stops the form from saving, in the order of the form. `place` names a section for the
 * messages (its number, 1-based, or the word for the cover, given by the caller in its language).
 */
export function draftProblems(draft: ExhibitionDraft, coverName: string): DraftProblem[] {
  const problems: DraftProblem[] = [];
  if (!fromLangDraft(draft.title)) problems.push({ where: 'title', key: 'exhibitions.problem.title' });
  if (!draft.slug) problems.push({ where: 'slug', key: 'exhibitions.problem.slugMissing' });
  else if (draft.slug.length > SLUG_MAX || !SLUG_PATTERN.test(draft.slug)) problems.push({ where: 'slug', key: 'exhibitions.problem.slug' });
  if (draft.publishAt && !fromLocalInput(draft.publishAt)) problems.push({ where: 'publishAt', key: 'exhibitions.problem.publishAt' });
  problems.push(...mediaProblems(draft.cover, 'cover', coverName));
  if (draft.sections.length > SECTIONS_MAX) problems.push({ where: 'sections', key: 'exhibitions.problem.tooManySections', params: { max: SECTIONS_MAX } });
  draft.sections.forEach((section, i) => {
    const place = String(i + 1);
    for (const text of Object.values(section.body)) {
      if (text.length > MARKDOWN_MAX) problems.push({ where: section.id, key: 'exhibitions.problem.bodyTooLong', params: { place, max: MARKDOWN_MAX } });
    }
    problems.push(...mediaProblems(section.media, section.id, place));
    if (section.links.length > LINKS_MAX) problems.push({ where: section.id, key: 'exhibitions.problem.tooManyLinks', params: { place, max: LINKS_MAX } });
  });
  return problems;
}

function fromMediaDraft(media: MediaDraft | null): ExhibitionInput['cover'] {
  if (!media) return undefined;
  const region = media.region ? parseRegion(media.region) : null;
  const caption = fromLangDraft(media.caption);
  return { workId: media.workId.trim(), ...(media.file ? { file: media.file } : {}), ...(region ? { region } : {}), ...(caption ? { caption } : {}) };
}

/** The request body of a draft that has no problems (draftProblems): empty languages dropped, optional parts left out. */
export function fromExhibitionDraft(draft: ExhibitionDraft): ExhibitionInput {
  const subtitle = fromLangDraft(draft.subtitle);
  const summary = fromLangDraft(draft.summary);
  const cover = fromMediaDraft(draft.cover);
  const publishAt = draft.publishAt ? fromLocalInput(draft.publishAt) : null;
  return {
    slug: draft.slug,
    title: fromLangDraft(draft.title) ?? {},
    ...(subtitle ? { subtitle } : {}),
    ...(summary ? { summary } : {}),
    ...(cover ? { cover } : {}),
    sections: draft.sections.map((s) => {
      const heading = fromLangDraft(s.heading);
      const body = fromLangDraft(s.body);
      const media = fromMediaDraft(s.media);
      return { id: s.id, ...(heading ? { heading } : {}), ...(body ? { body } : {}), ...(media ? { media } : {}), links: s.links.map((l) => l.workId) };
    }),
    status: draft.status,
    ...(publishAt ? { publishAt } : {}),
  };
}

/** A language draft as it saves: blank languages left out, in a fixed order. */
const langKey = (draft: LangDraft) =>
  Object.entries(draft)
    .filter(([, text]) => text.trim() !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * What of a draft the curator wrote, as one string: two drafts with the same key hold the same
 * changes. Left out is what the editor fills in by itself (a chosen work's loaded data, whether
 * the slug was typed) and languages left blank, so the form is unsaved only once the curator
 * changes something.
 */
export function draftKey(draft: ExhibitionDraft): string {
  const media = (m: MediaDraft | null) => m && { workId: m.workId, file: m.file, region: m.region, caption: langKey(m.caption) };
  return JSON.stringify({
    slug: draft.slug,
    title: langKey(draft.title),
    subtitle: langKey(draft.subtitle),
    summary: langKey(draft.summary),
    cover: media(draft.cover),
    sections: draft.sections.map((s) => ({ id: s.id, heading: langKey(s.heading), body: langKey(s.body), media: media(s.media), links: s.links.map((l) => l.workId) })),
    status: draft.status,
    publishAt: draft.publishAt,
  });
}

/** The list with the item at `index` moved by `delta` places (clamped at both ends). */
export function moveItem<T>(items: readonly T[], index: number, delta: number): T[] {
  const target = Math.max(0, Math.min(items.length - 1, index + delta));
  if (index < 0 || index >= items.length || target === index) return [...items];
  const next = [...items];
  const [item] = next.splice(index, 1);
  next.splice(target, 0, item!);
  return next;
}

/** What a section plays of a file: audio or video the reader may fetch (the work page's URL), else null. */
export function playableOf(file: FileView | null): ShowcaseWork['media'] {
  if (!file?.url || (file.kind !== 'audio' && file.kind !== 'video')) return null;
  return { kind: file.kind, url: file.url, mediaType: file.mediaType };
}

/** A work and one of its files as the exhibition shows them (what the server would answer), for the editor's preview. */
export function showcaseWorkOf(work: Pick<WorkDetail, 'id' | 'metadata' | 'visibility'>, file: FileView | null): ShowcaseWork {
  const thumbnail = file?.derivatives.thumbnail;
  return {
    id: work.id,
    title: work.metadata.title,
    creators: work.metadata.creators.map((c) => ({ name: c.name, role: c.role })),
    date: work.metadata.date ?? null,
    visibility: work.visibility,
    image: file
      ? {
          sha256: file.sha256,
          width: file.width,
          height: file.height,
          thumbnail: thumbnail ? { url: thumbnail.url, width: thumbnail.width, height: thumbnail.height } : null,
          displayUrl: file.derivatives.display?.url ?? null,
          iiifService: file.iiif?.service ?? null,
          placeholder: file.placeholder,
        }
      : null,
    media: playableOf(file),
  };
}
