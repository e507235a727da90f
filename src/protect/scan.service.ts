import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pickLang } from '../archive/lang.js';
import type { WorkReader } from '../archive/work.repository.js';
import type { Actor } from '../govern/roles.js';
import { canReadWork, CONTRIBUTOR_ROLES, hasRole } from '../govern/roles.js';
import { AppError, CommonErrors, notice, type Notice } from '../platform/errors.js';
import type { RegistryReader } from '../registry/registry.repository.js';
import { BlobMissingError, BlobTooLargeForLocalError, type BlobStore } from '../platform/blob-store.js';
import type { PublicLinks } from '../platform/public-url.js';
import { canSeeCopy } from './copy-access.js';
import { BLOCK_AGREEMENT_THRESHOLD, blockAgreement, lumaGrid } from './block-check.js';
import { fingerprintImage, type ImageFingerprint, type ScanQuery } from './fingerprint.js';
import { readImageForHashing } from './image-input.js';
import type { FingerprintIndex, FingerprintMatch } from './fingerprint-index.js';
import type { FingerprintRepository } from './fingerprint.repository.js';
import { PDQ_MATCH_DISTANCE, pdqHexToBytes } from './pdq/pdq.js';
import type { ScanMatch, ScanResult, WatermarkFinding } from './protect-contract.js';
import { describeTransforms } from './transform-guess.js';
import { detectWatermark } from './watermark/index.js';
import { payloadToSerial } from './watermark-copies.js';

export type { ScanMatch, ScanResult, WatermarkFinding };

const MATCH_LIMIT = 20;
/**
 * Near misses up to this distance are checked block by block (see block-check.ts): overlays seen
 * in tests land 32–66 bits away. Only upright whole-picture queries search this far (two or three
 * per scan: the picture, the picture inside its frame when it has one, and the picture with thin
 * strokes filtered out; a search at radius 63 costs ~35 ms at a million codes, 1/5 of that at 47), so
 * a turned and captioned copy is found only within the ordinary radius.
 */
export const NEAR_MISS_RADIUS = 63;
const NEAR_MISS_CHECKS = 10;

/** Checks suspect images against every stored fingerprint and this archive's watermark. */
/** The state of the licence a copy's reference names (`grant:<id>`), or null when it names none. */
export type CopyLicenceStatus = (reference: string | null) => Promise<{ grantId: string; state: string; validUntil: string | null } | null>;

export class ScanService {
  private copyStatus: CopyLicenceStatus | null = null;

  /** Set by the license module: scans then say whether a licensed copy's grant is valid, expired or revoked. */
  setCopyStatus(status: CopyLicenceStatus): void {
    this.copyStatus = status;
  }

  constructor(
    private readonly deps: {
      index: FingerprintIndex;
      fingerprints: FingerprintRepository;
      works: WorkReader;
      registry: RegistryReader;
      blobs: BlobStore;
      watermarkKey: () => Uint8Array;
      maxImagePixels: number;
      matchDistance?: number;
      userName?: (id: string) => Promise<string | null>;
      /** Receipt links are absolute (under the public URL): a scan result is kept and shared outside the site. */
      links?: PublicLinks;
    },
  ) {}

  /**
   * Scans one file. Bad files give a result with status `error` and the reason (a folder scan goes
   * on); matches are limited to works the actor may read, and who received a watermarked copy is
   * shown only to those who may edit that work.
   */
  async scanFile(actor: Actor, file: string, name: string): Promise<ScanResult> {
    if (!hasRole(actor, CONTRIBUTOR_ROLES)) throw CommonErrors.forbidden('scanning for copies is for right holders: admins, curators and creators', { key: 'scan.forbidden' });
    const bytes = await fs.promises.readFile(file);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const base = { name, sha256, size: bytes.length, scannedAt: new Date().toISOString() };
    let fingerprint: ImageFingerprint;
    try {
      fingerprint = await fingerprintImage(file, { maxPixels: this.deps.maxImagePixels, scanQueries: true });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { ...base, status: 'error', error: error.message, problem: { code: error.code, key: error.key, params: error.params }, fingerprint: null, matches: [], watermark: null, warnings: [], notices: [] };
    }
    const notices = [...fingerprint.notices];
    const matches = fingerprint.matchable ? await this.matchesFor(actor, fingerprint, sha256) : [];
    const watermark = await this.readWatermark(actor, file, notices);
    return {
      ...base,
      status: !fingerprint.matchable ? 'unmatchable' : matches.length > 0 ? 'matched' : 'no_match',
      error: null,
      problem: null,
      fingerprint: { pdq: fingerprint.pdq, iscc: fingerprint.iscc, width: fingerprint.width, height: fingerprint.height, format: fingerprint.format },
      matches,
      watermark,
      warnings: notices.map((n) => n.message),
      notices,
    };
  }

  private async matchesFor(actor: Actor, fingerprint: ImageFingerprint, suspectSha256: string): Promise<ScanMatch[]> {
    const queries = fingerprint.queries ?? [];
    const codes = queries.map((q) => pdqHexToBytes(q.hash));
    // Overlay-suppressed queries only propose near misses: they stay out of the direct search (the
    // index keeps one hit per stored image, which such a query would otherwise take over).
    const direct = queries.flatMap((q, i) => (q.nearMissOnly ? [] : [i]));
    const found: (FingerprintMatch & { blockAgreement: number | null })[] = (await this.deps.index.search(direct.map((i) => codes[i]!), this.deps.matchDistance ?? PDQ_MATCH_DISTANCE))
      .map((m) => ({ ...m, queryIndex: direct[m.queryIndex]!, blockAgreement: null }));
    found.push(...(await this.nearMisses(queries, codes, new Set(found.map((m) => m.sha256)))));
    const holders = await this.deps.fingerprints.worksHoldingFiles(found.map((m) => m.sha256));
    const out: ScanMatch[] = [];
    for (const match of found) {
      for (const holder of holders.filter((h) => h.sha256 === match.sha256)) {
        if (!canReadWork(actor, { visibility: holder.visibility, owner_id: holder.ownerId })) continue;
        if (out.some((m) => m.workId === holder.workId)) continue; // nearest file of each work only
        const [work, stored, entries] = await Promise.all([
          this.deps.works.findById(holder.workId),
          this.deps.fingerprints.find(match.sha256),
          this.deps.registry.entriesOfWork(holder.workId),
        ]);
        const file = work ? (await this.deps.works.findFile(match.sha256)) : undefined;
        out.push({
          workId: holder.workId,
          title: work ? titleOf(work.metadata) : null,
          sha256: match.sha256,
          distance: match.distance,
          blockAgreement: match.blockAgreement,
          ...describeTransforms({
            queryTransform: queries[match.queryIndex]!.transform,
            cropPerSide: suspectCrop(match.cropPerSide, queries[match.queryIndex]!.cropPerSide),
            unframed: queries[match.queryIndex]!.picture.width < 1 || queries[match.queryIndex]!.picture.height < 1,
            tilt: queries[match.queryIndex]!.tilt,
            blockAgreement: match.blockAgreement,
            distance: match.distance,
            identicalBytes: match.sha256 === suspectSha256,
            suspect: { width: fingerprint.width * queries[match.queryIndex]!.picture.width, height: fingerprint.height * queries[match.queryIndex]!.picture.height, format: fingerprint.format },
            original: stored?.width && stored.height ? { width: stored.width, height: stored.height, mediaType: file?.media_type ?? '' } : null,
          }),
          receipts: await Promise.all(entries.reverse().map(async (e) => ({ registrationId: e.registration_id, index: Number(e.idx), url: await this.receiptLink(e.registration_id) }))),
        });
        if (out.length >= MATCH_LIMIT) return out;
      }
    }
    return out;
  }

  /** Where a registration's receipt is downloaded from, as an absolute link when the public URL is known. */
  private receiptLink(registrationId: string): Promise<string> {
    const path = `/api/registry/registrations/${encodeURIComponent(registrationId)}/receipt.json`;
    return this.deps.links ? this.deps.links.absolute(path) : Promise.resolve(path);
  }

  /**
   * Stored images a little past the match radius for a whole-picture query, confirmed by comparing
   * the pictures block by block (an overlay moves PDQ but leaves most blocks as they were).
   */
  private async nearMisses(queries: ScanQuery[], codes: Uint8Array[], matched: Set<string>): Promise<(FingerprintMatch & { blockAgreement: number })[]> {
    const whole = queries.flatMap((q, i) => (q.grid && q.transform === 'original' ? [i] : []));
    const candidates = (await this.deps.index.search(whole.map((i) => codes[i]!), NEAR_MISS_RADIUS))
      .filter((m) => !matched.has(m.sha256) && m.cropPerSide === 0)
      .slice(0, NEAR_MISS_CHECKS);
    const out: (FingerprintMatch & { blockAgreement: number })[] = [];
    for (const candidate of candidates) {
      const queryIndex = whole[candidate.queryIndex]!;
      const original = await this.storedGrid(candidate.sha256);
      if (!original) continue;
      const agreement = blockAgreement(original, queries[queryIndex]!.grid!);
      if (agreement >= BLOCK_AGREEMENT_THRESHOLD) out.push({ ...candidate, queryIndex, blockAgreement: agreement });
    }
    return out;
  }

  /** The stored image as a 64 × 64 grid, from its thumbnail when it has one (small and already decoded once). */
  private async storedGrid(sha256: string): Promise<Float32Array | null> {
    const thumbnail = (await this.deps.works.derivativesOf([sha256])).find((d) => d.name === 'thumbnail');
    const thumb = thumbnail && (await this.deps.blobs.has(thumbnail.sha256)) ? await this.deps.blobs.read(thumbnail.sha256) : null;
    try {
      const read = (source: Buffer | string) => readImageForHashing(source, { maxPixels: this.deps.maxImagePixels, minSide: 8 });
      const image = thumb ? await read(thumb) : await this.deps.blobs.withLocalFile(sha256, read);
      return lumaGrid(image.luma, image.width, image.height);
    } catch (error) {
      if (error instanceof AppError || error instanceof BlobMissingError || error instanceof BlobTooLargeForLocalError) return null;
      throw error;
    }
  }

  private async readWatermark(actor: Actor, file: string, notices: Notice[]): Promise<WatermarkFinding | null> {
    let detected;
    try {
      detected = await detectWatermark(file, { key: this.deps.watermarkKey(), maxPixels: this.deps.maxImagePixels });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      notices.push(notice('notice.watermark_unread', `watermark not read: ${error.message}`));
      return null;
    }
    if (!detected.payload) return { payload: null, confidence: detected.confidence, copy: null, hidden: false };
    const payload = Buffer.from(detected.payload).toString('hex');
    const copy = await this.deps.fingerprints.findCopy(payloadToSerial(detected.payload));
    // A payload that names no recorded copy tells nobody anything.
    if (!copy) return { payload, confidence: detected.confidence, copy: null, hidden: false };
    const work = await this.deps.works.findById(copy.work_id);
    // The payload is the copy's serial: to those who may not see the copy, only that the mark is ours.
    if (!canSeeCopy(actor, copy, work)) return { payload: null, confidence: detected.confidence, copy: null, hidden: true };
    return {
      payload,
      confidence: detected.confidence,
      hidden: false,
      copy: {
        serial: Number(copy.serial),
        workId: copy.work_id,
        recipientId: copy.recipient_id,
        recipient: copy.recipient_name ?? (copy.recipient_id ? ((await this.deps.userName?.(copy.recipient_id)) ?? null) : null),
        purpose: copy.purpose,
        reference: copy.reference,
        createdAt: copy.created_at,
        // Whether the licence behind a licensed copy is still in force (the license module answers).
        licence: (await this.copyStatus?.(copy.reference)) ?? null,
      },
    };
  }
}

function titleOf(metadata: string): string | null {
  try {
    const parsed = JSON.parse(metadata) as { title?: Record<string, string> };
    return pickLang(parsed.title, 'zh-Hans') ?? pickLang(parsed.title, 'en') ?? null;
  } catch {
    return null;
  }
}

/**
 * How much the suspect was cut from each side of the original: it matched the original's stored
 * crop c after being cut by y itself, and cutting x then y leaves the original cut by x + y(1 − 2x),
 * so x = (c − y) / (1 − 2y). Negative means the suspect shows more than the original: a border.
 */
export function suspectCrop(storedCrop: number, queryCrop: number): number {
  return (storedCrop - queryCrop) / (1 - 2 * queryCrop);
}
