import { hasRole, type Actor } from '../govern/roles.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { LangMap } from '../archive/metadata.schema.js';
import type { ExhibitionRepository, ExhibitionRow } from './exhibition.repository.js';
import type { ExhibitionInput, ShowcaseWork } from './showcase.contract.js';
import { exhibitionSchema, exhibitionSummarySchema, exhibitionMediaView, exhibitionProblemSchema } from './showcase.contract.js';
import type { ShowcaseWorks, WorkRef, WorkSet } from './showcase-works.js';
import type { z } from 'zod';
import './showcase.errors.js';

export type Exhibition = z.infer<typeof exhibitionSchema>;
export type ExhibitionSummary = z.infer<typeof exhibitionSummarySchema>;
export type ExhibitionMedia = z.infer<typeof exhibitionMediaView>;
export type ExhibitionProblem = z.infer<typeof exhibitionProblemSchema>;

/** A section's or the cover's media as stored. */
export interface StoredMedia extends WorkRef {
  caption?: LangMap | undefined;
}
export interface StoredSection {
  id: string;
  heading?: LangMap | undefined;
  body?: LangMap | undefined;
  media?: StoredMedia | undefined;
  links: string[];
}

/** An exhibition as stored, its JSON columns read. */
export interface ExhibitionRecord {
  row: ExhibitionRow;
  title: LangMap;
  subtitle: LangMap | null;
  summary: LangMap | null;
  cover: StoredMedia | null;
  sections: StoredSection[];
}

/** Where the IIIF manifest of an exhibition is served, under an absolute base URL. */
export const exhibitionManifestPath = (slug: string) => `/iiif/3/exhibitions/${slug}`;

const MAX_LISTED = 500;

/** Admins and curators make exhibitions and see drafts; everyone else sees published ones from their date. */
export function canEditShowcase(actor: Actor): boolean {
  return hasRole(actor, ['admin', 'curator']);
}

function parse<T>(json: string | null): T | null {
  return json === null ? null : (JSON.parse(json) as T);
}

export function recordOf(row: ExhibitionRow): ExhibitionRecord {
  return {
    row,
    title: JSON.parse(row.title) as LangMap,
    subtitle: parse<LangMap>(row.subtitle),
    summary: parse<LangMap>(row.summary),
    cover: parse<StoredMedia>(row.cover),
    sections: JSON.parse(row.sections) as StoredSection[],
  };
}

/** Every work an exhibition names, with where: the cover (section null), a section's media, its links. */
export function referencesOf(record: Pick<ExhibitionRecord, 'cover' | 'sections'>): { ref: WorkRef; sectionId: string | null; media: boolean }[] {
  const out: { ref: WorkRef; sectionId: string | null; media: boolean }[] = [];
  if (record.cover) out.push({ ref: record.cover, sectionId: null, media: true });
  for (const section of record.sections) {
    if (section.media) out.push({ ref: section.media, sectionId: section.id, media: true });
    for (const workId of section.links) out.push({ ref: { workId }, sectionId: section.id, media: false });
  }
  return out;
}

/**
 * Online exhibitions: ordered sections of bilingual Markdown, each showing (a region of) a work.
 * A published exhibition shows visitors only the works they may see, whatever happened to a work
 * since it was published; staff see what is wrong as `problems`. Publishing refuses private works.
 */
export class ExhibitionService {
  constructor(
    private readonly deps: {
      repo: ExhibitionRepository;
      works: ShowcaseWorks;
      now: () => Date;
      /** Called after every change (the home page's cache forgets its answers). */
      changed: () => void;
    },
  ) {}

  private isVisible(row: ExhibitionRow, now: string): boolean {
    return row.status === 'published' && row.publish_at !== null && row.publish_at <= now;
  }

  /** Visitors: published exhibitions from their date, newest first. Admins and curators: all (or one status), last changed first. */
  async list(actor: Actor, status: 'draft' | 'published' | null, base: string): Promise<ExhibitionSummary[]> {
    const rows = canEditShowcase(actor) ? await this.deps.repo.listAll(status, MAX_LISTED) : await this.deps.repo.listVisible(this.deps.now().toISOString(), MAX_LISTED);
    return this.summaries(actor, rows.map(recordOf), base);
  }

  /** Published, visible exhibitions: those of `ids` in that order, else the latest `limit`. */
  async published(actor: Actor, ids: readonly string[], limit: number, base: string): Promise<ExhibitionSummary[]> {
    const now = this.deps.now().toISOString();
    let rows: ExhibitionRow[];
    if (ids.length > 0) {
      const found = new Map((await this.deps.repo.findByIds(ids)).map((r) => [r.id, r]));
      rows = ids.flatMap((id) => {
        const row = found.get(id);
        return row && this.isVisible(row, now) ? [row] : [];
      });
    } else {
      rows = await this.deps.repo.listVisible(now, limit);
    }
    return this.summaries(actor, rows.map(recordOf), base);
  }

  private async summaries(actor: Actor, records: ExhibitionRecord[], base: string): Promise<ExhibitionSummary[]> {
    const set = await this.deps.works.load(records.flatMap((r) => (r.cover ? [r.cover.workId] : [])));
    return records.map((r) => this.summary(actor, r, set, base));
  }

  private summary(actor: Actor, record: ExhibitionRecord, set: WorkSet, base: string): ExhibitionSummary {
    const { row } = record;
    return {
      id: row.id,
      slug: row.slug,
      title: record.title,
      subtitle: record.subtitle,
      summary: record.summary,
      cover: record.cover ? this.media(actor, record.cover, set, base) : null,
      status: row.status === 'published' ? 'published' : 'draft',
      publishAt: row.publish_at,
      sectionCount: record.sections.length,
      updatedAt: row.updated_at,
    };
  }

  /**
   * A media reference as this reader sees it. A work they may not see leaves only its id: no
   * caption (which describes it), file or region, and no card.
   */
  private media(actor: Actor, media: StoredMedia, set: WorkSet, base: string): ExhibitionMedia {
    const work = set.card(actor, media.workId, media.file ?? null, base);
    if (!work) return { workId: media.workId, file: null, region: null, caption: null, work: null };
    return { workId: media.workId, file: media.file ?? null, region: media.region ?? null, caption: media.caption ?? null, work };
  }

  /** One exhibition by slug; drafts and scheduled ones are missing for everyone but admins and curators. */
  async get(actor: Actor, slug: string, base: string): Promise<Exhibition> {
    const row = await this.deps.repo.findBySlug(slug);
    const editor = canEditShowcase(actor);
    if (!row || (!editor && !this.isVisible(row, this.deps.now().toISOString()))) throw notFound(slug);
    return this.present(actor, recordOf(row), base);
  }

  private async present(actor: Actor, record: ExhibitionRecord, base: string): Promise<Exhibition> {
    const refs = referencesOf(record);
    const set = await this.deps.works.load(refs.map((r) => r.ref.workId));
    const editor = canEditShowcase(actor);
    return {
      ...this.summary(actor, record, set, base),
      version: record.row.version,
      createdAt: record.row.created_at,
      sections: record.sections.map((s) => ({
        id: s.id,
        heading: s.heading ?? null,
        body: s.body ?? null,
        media: s.media ? this.media(actor, s.media, set, base) : null,
        links: set.cards(actor, s.links, base),
      })),
      problems: editor ? problemsOf(refs, set) : [],
      canEdit: editor,
      manifest: base + exhibitionManifestPath(record.row.slug),
    };
  }

  /** The exhibition a visitor sees, for the IIIF export: published and from its date, else null. */
  async publicRecord(slug: string): Promise<{ record: ExhibitionRecord; works: WorkSet } | null> {
    const row = await this.deps.repo.findBySlug(slug);
    if (!row || !this.isVisible(row, this.deps.now().toISOString())) return null;
    const record = recordOf(row);
    return { record, works: await this.deps.works.load(referencesOf(record).map((r) => r.ref.workId)) };
  }

  async create(actor: Actor, input: ExhibitionInput, base: string): Promise<Exhibition> {
    requireEditor(actor);
    await this.checkReferences(actor, input);
    if (await this.deps.repo.findBySlug(input.slug)) throw slugTaken(input.slug);
    const now = this.deps.now().toISOString();
    const id = newId();
    try {
      await this.deps.repo.insert({ id, ...this.columns(input, null, now), version: 1, created_by: actor.kind === 'user' ? actor.id : null, created_at: now });
    } catch (error) {
      // Two editors taking the same slug at once: the unique index refuses the second.
      if (await this.deps.repo.findBySlug(input.slug)) throw slugTaken(input.slug);
      throw error;
    }
    this.deps.changed();
    return this.present(actor, recordOf((await this.deps.repo.findById(id))!), base);
  }

  async update(actor: Actor, id: string, input: ExhibitionInput & { version: number }, base: string): Promise<Exhibition> {
    requireEditor(actor);
    const existing = await this.deps.repo.findById(id);
    if (!existing) throw notFound(id);
    await this.checkReferences(actor, input);
    if (input.slug !== existing.slug) {
      const holder = await this.deps.repo.findBySlug(input.slug);
      if (holder && holder.id !== id) throw slugTaken(input.slug);
    }
    const now = this.deps.now().toISOString();
    let saved: boolean;
    try {
      saved = await this.deps.repo.update(id, input.version, { ...this.columns(input, existing, now), version: input.version + 1 });
    } catch (error) {
      const holder = await this.deps.repo.findBySlug(input.slug);
      if (holder && holder.id !== id) throw slugTaken(input.slug);
      throw error;
    }
    if (!saved) {
      throw new AppError('version_conflict', `exhibition ${id} was changed since version ${input.version}; reload it and make your change again`, { key: 'showcase.exhibition_changed', params: { id, expected: input.version } });
    }
    this.deps.changed();
    return this.present(actor, recordOf((await this.deps.repo.findById(id))!), base);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    requireEditor(actor);
    if (!(await this.deps.repo.delete(id))) throw notFound(id);
    this.deps.changed();
  }

  /** Whether every id names an exhibition (the home page's settings check them). */
  async missingIds(ids: readonly string[]): Promise<string[]> {
    const found = new Set((await this.deps.repo.findByIds(ids)).map((r) => r.id));
    return ids.filter((id) => !found.has(id));
  }

  private columns(input: ExhibitionInput, existing: ExhibitionRow | null, now: string) {
    const publishAt = input.publishAt
      ? new Date(input.publishAt).toISOString()
      : input.status === 'published'
        ? // Published without a date: from now, or from when it was first published.
          existing?.status === 'published' && existing.publish_at
          ? existing.publish_at
          : now
        : null;
    const sections: StoredSection[] = input.sections.map((s) => ({
      id: s.id,
      ...(s.heading ? { heading: s.heading } : {}),
      ...(s.body ? { body: s.body } : {}),
      ...(s.media ? { media: s.media } : {}),
      links: s.links,
    }));
    return {
      slug: input.slug,
      title: JSON.stringify(input.title),
      subtitle: input.subtitle ? JSON.stringify(input.subtitle) : null,
      summary: input.summary ? JSON.stringify(input.summary) : null,
      cover: input.cover ? JSON.stringify(input.cover) : null,
      sections: JSON.stringify(sections),
      status: input.status,
      publish_at: publishAt,
      updated_at: now,
    };
  }

  /**
   * Every work the exhibition names must exist (for this editor), hold the file named and contain
   * the region; a published one may show public works only. Drafts may hold private works: they
   * are listed as problems until fixed.
   */
  private async checkReferences(actor: Actor, input: ExhibitionInput): Promise<void> {
    const refs = referencesOf({ cover: input.cover ?? null, sections: input.sections.map((s) => ({ ...s, links: s.links })) });
    const set = await this.deps.works.load(refs.map((r) => r.ref.workId));
    for (const { ref, sectionId, media } of refs) {
      const where = { sectionId: sectionId ?? '', place: sectionId === null ? 'cover' : 'section' };
      if (!set.visibleTo(actor, ref.workId)) {
        throw new AppError('invalid_reference', `work ${ref.workId} does not exist${sectionId ? ` (section ${sectionId})` : ' (cover)'}`, { key: 'showcase.unknown_work', params: { workId: ref.workId, ...where } });
      }
      const problem = media ? set.fileProblem(ref) : null;
      if (problem?.reason === 'no-file') {
        throw new AppError('invalid_reference', `work ${ref.workId} has no file ${ref.file ?? ''}`, { key: 'showcase.unknown_file', params: { workId: ref.workId, file: ref.file ?? '', ...where } });
      }
      if (problem?.reason === 'region-outside') {
        throw new AppError('invalid_reference', `the region lies outside the image of work ${ref.workId} (${problem.width} × ${problem.height} pixels)`, {
          key: 'showcase.region_outside',
          params: { workId: ref.workId, width: problem.width, height: problem.height, ...where },
        });
      }
      if (input.status === 'published' && set.row(ref.workId)!.visibility !== 'public') {
        throw new AppError('invalid_reference', `work ${ref.workId} is private: a published exhibition shows public works only; make it public, or keep the exhibition a draft`, {
          key: 'showcase.private_work',
          params: { workId: ref.workId, ...where },
          details: { workId: ref.workId, sectionId },
        });
      }
    }
  }
}

/** What staff must fix: every reference to a work that is gone, private, lacks the file, or whose region is off the image. */
export function problemsOf(refs: ReturnType<typeof referencesOf>, set: WorkSet): ExhibitionProblem[] {
  const out: ExhibitionProblem[] = [];
  for (const { ref, sectionId, media } of refs) {
    const problem = media ? set.problem(ref) : set.row(ref.workId) ? (set.row(ref.workId)!.visibility === 'public' ? null : { reason: 'private' as const }) : { reason: 'missing' as const };
    if (problem) out.push({ sectionId, workId: ref.workId, reason: problem.reason });
  }
  return out;
}

function requireEditor(actor: Actor): void {
  if (!canEditShowcase(actor)) throw CommonErrors.forbidden('only admins and curators make exhibitions', { key: 'auth.role_required', params: { roles: 'admin,curator' } });
}

function notFound(id: string): AppError<'showcase.exhibition_not_found'> {
  return new AppError('not_found', `exhibition ${id} was not found`, { key: 'showcase.exhibition_not_found', params: { id } });
}

function slugTaken(slug: string): AppError<'showcase.slug_taken'> {
  return new AppError('conflict', `another exhibition already has the address ${slug}; choose another`, { key: 'showcase.slug_taken', params: { slug } });
}

export type { ShowcaseWork };
