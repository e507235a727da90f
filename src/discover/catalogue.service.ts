import type { Actor } from '../govern/roles.js';
import type { WorkReader } from '../archive/work.repository.js';
import type { WorkMetadata } from '../archive/metadata.schema.js';
import type { CatalogueRepository, FacetName } from './catalogue.repository.js';
import { FACETS } from './catalogue.repository.js';
import type { CataloguePage, WorkSummary } from './catalogue.contract.js';
import { queryTerms } from './search-text.js';

export interface CatalogueRequest {
  q?: string;
  filters?: Partial<Record<FacetName, string[]>>;
  yearFrom?: number;
  yearTo?: number;
  collectionIds?: string[];
  mine?: boolean;
  sort?: 'relevance' | 'title' | 'date' | 'newest';
  page?: number;
  pageSize?: number;
}

export type { CataloguePage, WorkSummary };

const FACET_NAMES = Object.keys(FACETS) as FacetName[];

/** Browsing and keyword search over the works an actor may see, with facet counts. */
export class CatalogueService {
  constructor(
    private readonly catalogue: CatalogueRepository,
    private readonly works: WorkReader,
  ) {}

  /** Loads the in-memory facet index now, so the first visitor does not wait for it. */
  async warm(): Promise<void> {
    await this.search({ kind: 'anonymous' }, { pageSize: 1 });
  }

  async search(actor: Actor, request: CatalogueRequest): Promise<CataloguePage> {
    const pageSize = Math.min(Math.max(request.pageSize ?? 24, 1), 100);
    const page = Math.max(request.page ?? 1, 1);
    const terms = queryTerms(request.q ?? '');
    const facets = FACET_NAMES.filter((f) => f !== 'visibility' || actor.kind === 'user');
    const result = await this.catalogue.search(actor, {
      terms,
      filters: request.filters ?? {},
      ...(request.yearFrom !== undefined ? { yearFrom: request.yearFrom } : {}),
      ...(request.yearTo !== undefined ? { yearTo: request.yearTo } : {}),
      ...(request.collectionIds ? { collectionIds: request.collectionIds } : {}),
      ...(request.mine && actor.kind === 'user' ? { ownerId: actor.id } : {}),
      sort: request.sort ?? (terms.length > 0 ? 'relevance' : 'newest'),
      limit: pageSize,
      offset: (page - 1) * pageSize,
      facets,
      facetLimit: 30,
    });
    const shas = result.rows.map((r) => r.primary_file_sha256).filter((s): s is string => s !== null);
    const [derivatives, files, records] = await Promise.all([
      this.works.derivativesOf(shas),
      this.works.filesOf(result.rows.filter((r) => r.primary_file_sha256).map((r) => r.id)),
      this.works.metadataOf(result.rows.map((r) => r.id)),
    ]);
    const thumbs = new Map(derivatives.filter((d) => d.name === 'thumbnail').map((d) => [d.source_sha256, d]));
    const placeholders = new Map(files.map((f) => [f.sha256, f.placeholder]));
    const items = result.rows.map((row): WorkSummary => {
      const metadata = JSON.parse(records.get(row.id) ?? '{"title":{},"creators":[]}') as WorkMetadata;
      const thumb = row.primary_file_sha256 ? thumbs.get(row.primary_file_sha256) : undefined;
      return {
        id: row.id,
        title: metadata.title,
        creators: metadata.creators.map((c) => ({ name: c.name, role: c.role })),
        date: metadata.date ?? null,
        workType: row.work_type,
        visibility: row.visibility as WorkSummary['visibility'],
        thumbnail: thumb ? { url: `/api/works/${row.id}/files/${row.primary_file_sha256}/thumbnail`, width: thumb.width, height: thumb.height } : null,
        placeholder: row.primary_file_sha256 ? (placeholders.get(row.primary_file_sha256) ?? null) : null,
      };
    });
    return { items, total: result.total, page, pageSize, facets: result.facets };
  }
}
