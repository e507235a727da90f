import { fileAccess, type DownloadPolicy } from '../archive/download-policy.js';
import { parseStoredMetadata } from '../archive/metadata.schema.js';
import type { DerivativeRow, WorkFileRow, WorkReader, WorkRow } from '../archive/work.repository.js';
import { canEditWork, canReadWork, type Actor } from '../govern/roles.js';
import { iiifPaths } from '../publish/presentation.service.js';
import type { ShowcaseWork } from './showcase.contract.js';

/** A place in an exhibition or the home page that names a work (and maybe one of its files and a region of it). */
export interface WorkRef {
  workId: string;
  file?: string | undefined;
  region?: { x: number; y: number; width: number; height: number } | undefined;
}

/** What is wrong with a reference, whoever reads it; `width`/`height` are the image's when the region lies outside. */
export type RefProblem = { reason: 'missing' | 'private' | 'no-file' } | { reason: 'region-outside'; width: number; height: number };

interface Loaded {
  row: WorkRow;
  files: WorkFileRow[];
  derivatives: DerivativeRow[];
  /** The download policy in force, looked up only for works with audio or video (the only files a card plays). */
  policy: DownloadPolicy | null;
}

const PLAYABLE = new Set(['audio', 'video']);

/**
 * Works as the showcase shows them, loaded once per answer (each work once, files and derivatives
 * in two reads, the download policy only of works with audio or video). Whether a reader sees a
 * work is the archive's one rule (`canReadWork`); a work they may not see gives no card at all, so
 * neither its title nor its files leave the server.
 */
export class WorkSet {
  constructor(private readonly works: ReadonlyMap<string, Loaded>) {}

  /** The work's row when it exists (for checks that do not depend on the reader). */
  row(workId: string): WorkRow | undefined {
    return this.works.get(workId)?.row;
  }

  visibleTo(actor: Actor, workId: string): boolean {
    const row = this.row(workId);
    return row !== undefined && canReadWork(actor, row);
  }

  /** The derivatives (thumbnail, display copy) of the work's files. */
  derivativesOf(workId: string): DerivativeRow[] {
    return this.works.get(workId)?.derivatives ?? [];
  }

  /** The file a reference shows: the one it names, else the work's main file. */
  fileOf(ref: WorkRef): WorkFileRow | undefined {
    const loaded = this.works.get(ref.workId);
    if (!loaded) return undefined;
    const sha256 = ref.file ?? loaded.row.primary_file_sha256;
    return sha256 ? loaded.files.find((f) => f.sha256 === sha256) : undefined;
  }

  /** The first thing wrong with a reference (a gone or private work, a file it lacks, a region off the image), or null. */
  problem(ref: WorkRef): RefProblem | null {
    const row = this.row(ref.workId);
    if (!row) return { reason: 'missing' };
    if (row.visibility !== 'public') return { reason: 'private' };
    return this.fileProblem(ref);
  }

  /** What is wrong with the file and region of a reference to an existing work, or null. */
  fileProblem(ref: WorkRef): RefProblem | null {
    const file = this.fileOf(ref);
    if (ref.file !== undefined && !file) return { reason: 'no-file' };
    if (!ref.region) return null;
    const width = file?.width ?? 0;
    const height = file?.height ?? 0;
    // A region needs an image with known pixels to lie within.
    const { x, y } = ref.region;
    if (x + ref.region.width > width || y + ref.region.height > height) return { reason: 'region-outside', width, height };
    return null;
  }

  /** The work as a card for this reader (the named file, else its main one), or null when they may not see it. */
  card(actor: Actor, workId: string, file: string | null, base: string): ShowcaseWork | null {
    const loaded = this.works.get(workId);
    if (!loaded || !canReadWork(actor, loaded.row)) return null;
    const { row, files, derivatives, policy } = loaded;
    const metadata = parseStoredMetadata(row.metadata);
    const sha256 = file ?? row.primary_file_sha256;
    const shown = sha256 ? files.find((f) => f.sha256 === sha256) : undefined;
    let image: ShowcaseWork['image'] = null;
    let media: ShowcaseWork['media'] = null;
    if (shown) {
      // The same URLs the work's own JSON gives (work.presenter.ts): files are served through their work.
      const path = `/api/works/${row.id}/files/${shown.sha256}`;
      const own = derivatives.filter((d) => d.source_sha256 === shown.sha256);
      const thumb = own.find((d) => d.name === 'thumbnail');
      const display = own.find((d) => d.name === 'display');
      image = {
        sha256: shown.sha256,
        width: shown.width,
        height: shown.height,
        thumbnail: thumb ? { url: `${path}/thumbnail`, width: thumb.width, height: thumb.height } : null,
        displayUrl: display ? `${path}/display` : null,
        iiifService: shown.kind === 'image' && shown.width && shown.height ? base + iiifPaths.image(row.id, shown.sha256) : null,
        placeholder: shown.placeholder,
      };
      // Playable exactly when the work's page gives this reader the file's URL (work.presenter.ts, file.routes.ts).
      if (PLAYABLE.has(shown.kind) && policy) {
        const access = fileAccess(policy, canEditWork(actor, row), { isImage: false, hasDisplayCopy: display !== undefined });
        if (access.master !== 'denied') media = { kind: shown.kind as 'audio' | 'video', url: path, mediaType: shown.media_type };
      }
    }
    return {
      id: row.id,
      title: metadata.title,
      creators: metadata.creators.map((c) => ({ name: c.name, role: c.role })),
      date: metadata.date ?? null,
      visibility: row.visibility === 'public' ? 'public' : 'private',
      image,
      media,
    };
  }

  /** Cards of the works this reader may see, in the given order, each once. */
  cards(actor: Actor, workIds: readonly string[], base: string): ShowcaseWork[] {
    const seen = new Set<string>();
    const out: ShowcaseWork[] = [];
    for (const id of workIds) {
      if (seen.has(id)) continue;
      seen.add(id);
      const card = this.card(actor, id, null, base);
      if (card) out.push(card);
    }
    return out;
  }
}

/** Loads works for the showcase through the archive's reader. */
export class ShowcaseWorks {
  constructor(
    private readonly reader: Pick<WorkReader, 'findById' | 'filesOf' | 'derivativesOf'>,
    /** The archive's download policy of a work (DownloadPolicyService), which decides who may play its files. */
    private readonly policyOf: (row: WorkRow) => Promise<DownloadPolicy>,
  ) {}

  async load(workIds: Iterable<string>): Promise<WorkSet> {
    const ids = [...new Set(workIds)];
    const rows = (await Promise.all(ids.map((id) => this.reader.findById(id)))).filter((r): r is WorkRow => r !== undefined);
    const files = await this.reader.filesOf(rows.map((r) => r.id));
    const derivatives = await this.reader.derivativesOf([...new Set(files.map((f) => f.sha256))]);
    const bySource = new Map<string, DerivativeRow[]>();
    for (const d of derivatives) bySource.set(d.source_sha256, [...(bySource.get(d.source_sha256) ?? []), d]);
    const works = new Map<string, Loaded>();
    await Promise.all(
      rows.map(async (row) => {
        const own = files.filter((f) => f.work_id === row.id);
        const policy = own.some((f) => PLAYABLE.has(f.kind)) ? await this.policyOf(row) : null;
        works.set(row.id, { row, files: own, derivatives: own.flatMap((f) => bySource.get(f.sha256) ?? []), policy });
      }),
    );
    return new WorkSet(works);
  }
}
