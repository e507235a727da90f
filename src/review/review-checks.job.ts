import type { WorkReader } from '../archive/work.repository.js';
import type { Actor } from '../govern/roles.js';
import type { BlobStore } from '../platform/blob-store.js';
import type { JobHandler } from '../platform/jobs/worker.js';
import type { FingerprintRepository } from '../protect/fingerprint.repository.js';
import type { ScanService } from '../protect/scan.service.js';
import { checkFiles, checkMetadata, checkRules, checkTerms, type CheckResult } from './review-checks.js';
import type { ReviewRepository } from './review.repository.js';
import type { ReviewSettingsService } from './review-settings.service.js';

/** The checks look at every archived work, whoever owns it: they run with an admin's view. */
const CHECKER: Actor = { kind: 'user', id: 'system', username: 'system', role: 'admin' };
/** Images of one submission scanned for matches and watermarks (a work of thousands of pages is sampled). */
const MAX_SCANNED_IMAGES = 8;

export class FingerprintPending extends Error {}

/**
 * The automatic checks of a submission, as a durable job: file types and sizes, metadata, terms,
 * the instance's rules (pure, review-checks.ts), then protect's scan of each image: a fingerprint
 * match with another owner's work, a watermark of a copy issued for someone else. Until protect
 * has fingerprinted the submission's images the job fails and is retried later.
 */
export function reviewChecksHandler(deps: {
  repo: ReviewRepository;
  works: Pick<WorkReader, 'findById' | 'filesOf'>;
  settings: ReviewSettingsService;
  scans: Pick<ScanService, 'scanFile'>;
  fingerprints: Pick<FingerprintRepository, 'find'>;
  blobs: Pick<BlobStore, 'withLocalFile'>;
}): JobHandler {
  return async (payload, context) => {
    const { itemId } = payload as { itemId: string };
    const item = await deps.repo.findItem(itemId);
    if (!item || item.kind !== 'submission') return;
    const work = await deps.works.findById(item.work_id);
    if (!work) return;
    const files = await deps.works.filesOf([work.id]);
    const settings = await deps.settings.read();
    const metadata = JSON.parse(work.metadata) as Record<string, unknown>;
    const results: CheckResult[] = [
      checkFiles(files.map((f) => ({ kind: f.kind, size: Number(f.size), name: f.original_name })), { kinds: settings.fileKinds, maxBytes: settings.maxFileBytes }),
      checkMetadata(metadata, settings.requiredFields),
      checkTerms(metadata, settings.terms),
      ...checkRules(metadata, settings.rules),
    ];
    const images = files.filter((f) => f.kind === 'image').slice(0, MAX_SCANNED_IMAGES);
    const lastAttempt = context.job.attempts >= context.job.max_attempts;
    const unfingerprinted = [];
    for (const image of images) if (!(await deps.fingerprints.find(image.sha256))) unfingerprinted.push(image.sha256);
    if (unfingerprinted.length > 0 && !lastAttempt) throw new FingerprintPending(`waiting for the fingerprints of ${unfingerprinted.length} image(s)`);

    const owners = new Map<string, string | null>();
    const ownerOf = async (workId: string) => {
      if (!owners.has(workId)) owners.set(workId, (await deps.works.findById(workId))?.owner_id ?? null);
      return owners.get(workId) ?? null;
    };
    const matches: { workId: string; distance: number }[] = [];
    let watermark: { serial: number; workId: string } | null = null;
    for (const image of images) {
      // A file on disk to scan: local disk lends its own; a remote store a bounded temporary copy.
      const scan = await deps.blobs.withLocalFile(image.sha256, (file) => deps.scans.scanFile(CHECKER, file, image.original_name));
      for (const match of scan.matches) {
        if (match.workId === work.id || matches.some((m) => m.workId === match.workId)) continue;
        if ((await ownerOf(match.workId)) === work.owner_id) continue;
        matches.push({ workId: match.workId, distance: match.distance });
      }
      const copy = scan.watermark?.copy;
      if (!watermark && copy && copy.workId !== work.id && (await ownerOf(copy.workId)) !== work.owner_id && copy.recipientId !== work.owner_id) watermark = { serial: copy.serial, workId: copy.workId };
    }
    results.push(
      unfingerprinted.length > 0
        ? { code: 'fingerprint', outcome: 'warn', params: { count: 0, pending: unfingerprinted.length } }
        : matches.length > 0
          ? { code: 'fingerprint', outcome: 'fail', params: { count: matches.length, workIds: matches.slice(0, 5).map((m) => m.workId).join(', '), distance: Math.min(...matches.map((m) => m.distance)) } }
          : { code: 'fingerprint', outcome: 'pass', params: { count: 0, images: images.length } },
      watermark ? { code: 'watermark', outcome: 'warn', params: { serial: watermark.serial, workId: watermark.workId } } : { code: 'watermark', outcome: 'pass', params: { images: images.length } },
    );
    await deps.repo.setChecks(itemId, results.map((r) => ({ code: r.code, outcome: r.outcome, params: JSON.stringify(r.params) })), new Date().toISOString());
  };
}
