import type { Actor } from '../govern/roles.js';
import { canEditWork } from '../govern/roles.js';
import type { DerivativeRow, WorkFileRow } from './work.repository.js';
import type { Work } from './work.service.js';

export interface FileView {
  sha256: string;
  name: string;
  mediaType: string;
  kind: string;
  size: number;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  url: string;
  derivatives: Record<string, { url: string; width: number; height: number; mediaType: string }>;
}

/** The JSON shape of a work for the API and the web UI. */
export function presentWork(actor: Actor, work: Work, files: WorkFileRow[], derivatives: DerivativeRow[]) {
  return {
    id: work.id,
    version: work.version,
    visibility: work.visibility,
    workType: work.workType,
    collectionId: work.collectionId,
    ownerId: work.ownerId,
    sourceKey: work.sourceKey,
    metadata: work.metadata,
    createdAt: work.createdAt,
    updatedAt: work.updatedAt,
    canEdit: canEditWork(actor, { visibility: work.visibility, owner_id: work.ownerId }),
    files: files.map((f): FileView => {
      const base = `/api/works/${work.id}/files/${f.sha256}`;
      const own = derivatives.filter((d) => d.source_sha256 === f.sha256);
      return {
        sha256: f.sha256,
        name: f.original_name,
        mediaType: f.media_type,
        kind: f.kind,
        size: Number(f.size),
        width: f.width,
        height: f.height,
        placeholder: f.placeholder,
        url: base,
        derivatives: Object.fromEntries(own.map((d) => [d.name, { url: `${base}/${d.name}`, width: d.width, height: d.height, mediaType: d.media_type }])),
      };
    }),
  };
}
