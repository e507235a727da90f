/**
 * The shapes the protection routes answer with, shared by the server and the web client
 * (`web/src/types.ts` re-exports them). Types only, with no imports, so the browser build can read
 * this file as it is.
 */

/**
 * One likely transformation, as a code the UI translates (`value`: a percentage, degrees or a
 * format name where the phrase needs one).
 */
export type TransformNote =
  | { code: 'identical' | 'turned_cw' | 'turned_180' | 'turned_ccw' | 'flipped' | 'mirrored' | 'transposed' | 'framed_plain' | 'proportions_changed' | 'stretched' | 'resaved_same' | 'resaved_edited' }
  | { code: 'tilted' | 'overlay' | 'cropped' | 'bordered' | 'downscaled' | 'upscaled'; value: number }
  | { code: 're_encoded'; value: string };

/** ISCC (ISO 24138) codes of an image file. */
export interface IsccCodes {
  meta?: string;
  content: string;
  data: string;
  instance: string;
  iscc: string;
}

/** One matching work of a scan. */
export interface ScanMatch {
  workId: string;
  title: string | null;
  /** The work's stored file that matched (a work may hold several). */
  sha256: string;
  /** Hamming distance of the PDQ hashes, 0–256 bits. */
  distance: number;
  /** Set when the PDQ distance was past the match radius and a block-by-block check confirmed it: the share of blocks that agree. */
  blockAgreement: number | null;
  /** The likely transformations in English words (CLI, JSON bundles)… */
  transforms: string[];
  /** …and as codes, for the UI to say in the reader's language. */
  transformNotes: TransformNote[];
  receipts: { registrationId: string; index: number; url: string }[];
}

/** A watermark read from a suspect image. */
export interface WatermarkFinding {
  /** The 48-bit payload as hex, or null when no watermark of this archive was found. */
  payload: string | null;
  confidence: number;
  /** The copy the payload names, when the actor may see it (those who may edit its work): which work, for whom, why. */
  copy: { serial: number; workId: string; recipientId: string | null; recipient: string | null; purpose: string; reference: string | null; createdAt: string } | null;
}

export type ScanStatus = 'matched' | 'no_match' | 'unmatchable' | 'error';

/** POST /api/scans and `wenyuan scan --json`: the result for one suspect file. */
export interface ScanResult {
  name: string;
  sha256: string;
  size: number;
  status: ScanStatus;
  error: string | null;
  fingerprint: { pdq: { hash: string; quality: number }; iscc: IsccCodes | null; width: number; height: number; format: string } | null;
  matches: ScanMatch[];
  watermark: WatermarkFinding | null;
  warnings: string[];
  scannedAt: string;
}

/**
 * The JSON bundle of an evidence report (`Receipt`: the registry's receipt shape). Its exact bytes
 * are stored and their sha256 registered in the transparency log, so `wenyuan verify <receipt> --file
 * <bundle>` proves it existed, unchanged, no later than the log's checkpoint.
 */
export interface EvidenceBundle<Receipt> {
  type: 'wenyuan.evidence/v1';
  id: string;
  createdAt: string;
  createdBy: string;
  method: { fingerprint: string; matchDistance: number; watermark: string };
  suspect: { name: string; sha256: string; size: number; pdq: { hash: string; quality: number } | null; iscc: string | null; width: number | null; height: number | null; format: string | null };
  matches: {
    workId: string;
    title: string | null;
    original: { sha256: string; pdq: string | null; quality: number | null; width: number | null; height: number | null; iscc: string | null };
    distance: number;
    transforms: string[];
    /** The same as codes (bundles made before session 3 lack them). */
    transformNotes?: TransformNote[];
    receipts: Receipt[];
  }[];
  watermark: WatermarkFinding | null;
  warnings: string[];
}

/** A marked copy of a work, as those who manage it see it (GET /api/works/:id/watermarked-copies). */
export interface CopyRecord {
  serial: number;
  workId: string;
  purpose: 'download' | 'licence' | 'public';
  /** The licensee's name, or the account's "display name (username)". */
  recipient: string | null;
  recipientId: string | null;
  reference: string | null;
  outputSha256: string | null;
  createdAt: string;
}
