import type { Selectable } from 'kysely';
import { parseStoredMetadata, type WorkMetadata } from '../archive/metadata.schema.js';
import type { WorkReader } from '../archive/work.repository.js';
import type { WorksTable } from '../platform/db/schema.js';
import type { SearchSnippet, WorkSummary } from './catalogue.contract.js';

/**
 * Catalogue cards for rows of works, in their order: title, creators, date, thumbnail and its
 * placeholder; with `snippet`, also where each work matched a search (search-snippet.ts).
 */
export async function workSummaries(works: Pick<WorkReader, 'derivativesOf' | 'filesOf' | 'metadataOf'>, rows: Selectable<WorksTable>[], snippet?: (metadata: WorkMetadata) => SearchSnippet | null): Promise<WorkSummary[]> {
  const shas = rows.map((r) => r.primary_file_sha256).filter((s): s is string => s !== null);
  const [derivatives, files, records] = await Promise.all([
    works.derivativesOf(shas),
    works.filesOf(rows.filter((r) => r.primary_file_sha256).map((r) => r.id)),
    works.metadataOf(rows.map((r) => r.id)),
  ]);
  const thumbs = new Map(derivatives.filter((d) => d.name === 'thumbnail').map((d) => [d.source_sha256, d]));
  const placeholders = new Map(files.map((f) => [f.sha256, f.placeholder]));
  return rows.map((row): WorkSummary => {
    const record = records.get(row.id);
    const metadata = JSON.parse(record ?? '{"title":{},"creators":[]}') as WorkMetadata;
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
      ...(snippet ? { snippet: record ? snippet(parseStoredMetadata(record)) : null } : {}),
    };
  });
}
