import type { Actor } from '../govern/roles.js';
import { canEditWork } from '../govern/roles.js';
import { fileAccess, type DownloadPolicy, type PolicySource } from './download-policy.js';
import type { WorkDetail, WorkFile } from './work.contract.js';
import type { DerivativeRow, WorkFileRow } from './work.repository.js';
import type { Work } from './work.service.js';

/** A work's IIIF links (from the publish module, see ArchiveExtensions.setIiifLinks), or null without one. */
export interface IiifLinks { manifest: string; service(sha256: string): string }

/** The JSON shape of a work for the API and the web UI. */
export function presentWork(actor: Actor, work: Work, files: WorkFileRow[], derivatives: DerivativeRow[], download: { policy: DownloadPolicy; source: PolicySource }, iiif: IiifLinks | null = null): WorkDetail {
  const canEdit = canEditWork(actor, { visibility: work.visibility, owner_id: work.ownerId });
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
    canEdit,
    /** The work's own override (editors change it), and the policy in force with where it comes from. */
    downloadPolicy: work.downloadPolicy,
    download,
    files: files.map((f): WorkFile => {
      const base = `/api/works/${work.id}/files/${f.sha256}`;
      const own = derivatives.filter((d) => d.source_sha256 === f.sha256);
      const access = fileAccess(download.policy, canEdit, { isImage: f.kind === 'image', hasDisplayCopy: own.some((d) => d.name === 'display') });
      return {
        sha256: f.sha256,
        name: f.original_name,
        mediaType: f.media_type,
        kind: f.kind,
        size: Number(f.size),
        width: f.width,
        height: f.height,
        placeholder: f.placeholder,
        url: access.master === 'denied' ? null : base,
        derivatives: Object.fromEntries(own.map((d) => [d.name, { url: `${base}/${d.name}`, width: d.width, height: d.height, mediaType: d.media_type }])),
        download: access.download === 'master' ? { kind: 'master', url: base } : access.download === 'display' ? { kind: 'display', url: `${base}/display?download=1` } : null,
        iiif: iiif && f.kind === 'image' ? { service: iiif.service(f.sha256) } : null,
      };
    }),
    iiif: iiif && files.some((f) => f.kind === 'image') ? { manifest: iiif.manifest } : null,
  };
}
