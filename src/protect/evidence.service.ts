import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Actor } from '../govern/roles.js';
import { mediaTypeOfImageFormat } from '../media/file-kind.js';
import { hasRole } from '../govern/roles.js';
import type { BlobStore } from '../platform/blob-store.js';
import { AppError, CommonErrors, type ErrorOptions } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { Receipt, RegistryService } from '../registry/registry.service.js';
import type { EvidenceRepository } from './evidence.repository.js';
import { EVIDENCE_METHOD_V1, type EvidenceBundle, type EvidenceSummary, type EvidenceView } from './protect-contract.js';
import type { FingerprintRepository } from './fingerprint.repository.js';
import { PDQ_MATCH_DISTANCE } from './pdq/pdq.js';
import type { ScanService } from './scan.service.js';

export type { EvidenceBundle, EvidenceView };

/** Saving scans as evidence reports that are registered in the log. */
export class EvidenceService {
  constructor(
    private readonly deps: {
      scans: ScanService;
      repo: EvidenceRepository;
      fingerprints: FingerprintRepository;
      blobs: BlobStore;
      registry: RegistryService;
    },
  ) {}

  /**
   * Scans a suspect file and saves the result as an evidence report: the suspect image is kept,
   * the bundle written, and its hash registered (waiting up to `waitMs` for the receipt).
   */
  async create(actor: Actor, file: string, name: string, options: { waitMs?: number } = {}): Promise<EvidenceView> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const scan = await this.deps.scans.scanFile(actor, file, name);
    if (scan.status === 'error') {
      // The scan's own key says why (the contract types it as a plain string; it came from an AppError).
      const why = scan.problem ?? { key: 'image.corrupt', params: {} };
      throw new AppError('invalid_input', `${name}: ${scan.error}`, { key: why.key, params: why.params } as ErrorOptions);
    }
    const stored = await this.deps.blobs.put(fs.createReadStream(file));
    const id = newId();
    const bundle: EvidenceBundle = {
      type: 'wenyuan.evidence/v1',
      id,
      createdAt: scan.scannedAt,
      createdBy: actor.username,
      method: { fingerprint: EVIDENCE_METHOD_V1.fingerprint, matchDistance: PDQ_MATCH_DISTANCE, watermark: EVIDENCE_METHOD_V1.watermark },
      suspect: {
        name: scan.name,
        sha256: scan.sha256,
        size: scan.size,
        pdq: scan.fingerprint?.pdq ?? null,
        iscc: scan.fingerprint?.iscc?.iscc ?? null,
        width: scan.fingerprint?.width ?? null,
        height: scan.fingerprint?.height ?? null,
        format: scan.fingerprint?.format ?? null,
      },
      matches: await Promise.all(scan.matches.map(async (m) => {
        const original = await this.deps.fingerprints.find(m.sha256);
        const receipts: Receipt[] = [];
        for (const r of m.receipts.slice(0, 3)) {
          const status = await this.deps.registry.statusFor(actor, r.registrationId).catch(() => null);
          if (status?.status === 'sequenced') receipts.push(status.receipt);
        }
        return {
          workId: m.workId,
          title: m.title,
          original: {
            sha256: m.sha256,
            pdq: original?.pdq ? Buffer.from(original.pdq).toString('hex') : null,
            quality: original?.pdq_quality ?? null,
            width: original?.width ?? null,
            height: original?.height ?? null,
            iscc: original?.iscc ? (JSON.parse(original.iscc) as { iscc: string }).iscc : null,
          },
          distance: m.distance,
          transforms: m.transforms,
          transformNotes: m.transformNotes,
          receipts,
        };
      })),
      watermark: scan.watermark,
      warnings: scan.warnings,
    };
    const text = `${JSON.stringify(bundle, null, 2)}\n`;
    const bundleSha256 = createHash('sha256').update(text).digest('hex');
    await this.deps.repo.insertEvidence(
      { id, created_by: actor.id, created_at: scan.scannedAt, suspect_sha256: stored.sha256, bundle: text, bundle_sha256: bundleSha256, registration_id: null },
      { size: stored.size, mediaType: mediaTypeOfImageFormat(scan.fingerprint?.format) ?? 'application/octet-stream' },
    );
    const registration = await this.deps.registry.registerDocument(actor, bundleSha256, { waitMs: options.waitMs ?? 0 });
    await this.deps.repo.setEvidenceRegistration(id, registration.registrationId);
    return { id, bundle, bundleSha256, registration };
  }

  /** A report, for its author and for admins and curators. */
  async get(actor: Actor, id: string): Promise<EvidenceView & { bundleText: string; suspectSha256: string }> {
    const row = await this.deps.repo.findEvidence(id);
    if (!row || actor.kind !== 'user' || (row.created_by !== actor.id && !hasRole(actor, ['admin', 'curator']))) throw CommonErrors.notFound('evidence_report', { id });
    const registration = row.registration_id ? await this.deps.registry.status(row.registration_id) : null;
    return { id, bundle: JSON.parse(row.bundle) as EvidenceBundle, bundleText: row.bundle, bundleSha256: row.bundle_sha256, suspectSha256: row.suspect_sha256, registration };
  }

  /** The actor's reports, newest first (admins and curators see everyone's). */
  async list(actor: Actor): Promise<EvidenceSummary[]> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const rows = await this.deps.repo.listEvidence(hasRole(actor, ['admin', 'curator']) ? null : actor.id, 200);
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at, suspectSha256: r.suspect_sha256, registrationId: r.registration_id }));
  }
}
