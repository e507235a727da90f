import { z } from 'zod';
import { errorParamsSchema, noticeSchema } from '../platform/http/api-contract.js';
import { receiptSchema, registrationStatusSchema } from '../registry/registry.contract.js';

/**
 * The shapes the protection routes answer with (zod: the serializer checks them, the OpenAPI
 * document names them and the web client's types are generated from it).
 */

export { EVIDENCE_METHOD_V1 } from './evidence-method.js';

/**
 * One likely transformation, as a code the UI translates (`value`: a percentage, degrees or a
 * format name where the phrase needs one).
 */
export const transformNoteSchema = z
  .discriminatedUnion('code', [
    z.object({ code: z.enum(['identical', 'turned_cw', 'turned_180', 'turned_ccw', 'flipped', 'mirrored', 'transposed', 'framed_plain', 'proportions_changed', 'stretched', 'resaved_same', 'resaved_edited']) }),
    z.object({ code: z.enum(['tilted', 'overlay', 'cropped', 'bordered', 'downscaled', 'upscaled']), value: z.number() }),
    z.object({ code: z.literal('re_encoded'), value: z.string() }),
  ])
  .meta({ id: 'TransformNote' });
export type TransformNote = z.infer<typeof transformNoteSchema>;

/** ISCC (ISO 24138) codes of an image file. */
export const isccCodesSchema = z
  .object({
    meta: z.string().optional().describe('Meta-Code, when the file had a name.'),
    content: z.string(),
    data: z.string(),
    instance: z.string(),
    iscc: z.string().describe('The composite ISCC-CODE.'),
  })
  .meta({ id: 'IsccCodes' });
export type IsccCodes = z.infer<typeof isccCodesSchema>;

/** One matching work of a scan. */
export const scanMatchSchema = z
  .object({
    workId: z.string(),
    title: z.string().nullable(),
    sha256: z.string().describe('The work’s stored file that matched (a work may hold several).'),
    distance: z.number().int().describe('Hamming distance of the PDQ hashes, 0–256 bits.'),
    blockAgreement: z.number().nullable().describe('Set when the PDQ distance was past the match radius and a block-by-block check confirmed it: the share of blocks that agree.'),
    transforms: z.array(z.string()).describe('The likely transformations in English words (CLI, JSON bundles)…'),
    transformNotes: z.array(transformNoteSchema).describe('…and as codes, for the UI to say in the reader’s language.'),
    receipts: z.array(z.object({ registrationId: z.string(), index: z.number().int(), url: z.string() })),
  })
  .meta({ id: 'ScanMatch' });
export type ScanMatch = z.infer<typeof scanMatchSchema>;

/** A watermark read from a suspect image. */
export const watermarkFindingSchema = z
  .object({
    payload: z.string().nullable().describe('The 48-bit payload as hex (the copy’s serial), or null when no watermark of this archive was found or `hidden` is true.'),
    confidence: z.number(),
    copy: z
      .object({
        serial: z.number().int(),
        workId: z.string(),
        recipientId: z.string().nullable(),
        recipient: z.string().nullable(),
        purpose: z.string(),
        reference: z.string().nullable(),
        createdAt: z.string(),
        licence: z
          .object({ grantId: z.string(), state: z.string().describe('valid, expired, revoked or not-yet-valid'), validUntil: z.string().nullable() })
          .nullable()
          .optional()
          .describe('For a licensed copy: the grant it was made under and whether that grant is still in force.'),
      })
      .nullable()
      .describe('The copy the payload names, when the actor may see it (staff and those who manage its work; its recipient or issuer; anyone who may read the work, for its public display copy): which work, for whom, why.'),
    hidden: z
      .boolean()
      .optional()
      .describe('True when this archive’s watermark was found but names a copy the scanner may not see: `payload` (the copy’s serial) and `copy` are withheld. Absent in evidence reports saved before it existed.'),
  })
  .meta({ id: 'WatermarkFinding' });
export type WatermarkFinding = z.infer<typeof watermarkFindingSchema>;

export const scanStatusSchema = z.enum(['matched', 'no_match', 'unmatchable', 'error']).meta({ id: 'ScanStatus' });
export type ScanStatus = z.infer<typeof scanStatusSchema>;

const pdqSchema = z.object({ hash: z.string(), quality: z.number() });

/** POST /api/scans and `wenyuan scan --json`: the result for one suspect file. */
export const scanResultSchema = z
  .object({
    name: z.string(),
    sha256: z.string(),
    size: z.number().int(),
    status: scanStatusSchema,
    error: z.string().nullable().describe('Why the file could not be scanned (status `error`), in English…'),
    problem: z.object({ code: z.string(), key: z.string(), params: errorParamsSchema }).nullable().describe('…and as an error says it: a code, and a message key with parameters for the client to translate.'),
    fingerprint: z.object({ pdq: pdqSchema, iscc: isccCodesSchema.nullable(), width: z.number().int(), height: z.number().int(), format: z.string() }).nullable(),
    matches: z.array(scanMatchSchema),
    watermark: watermarkFindingSchema.nullable(),
    warnings: z.array(z.string()).describe('In English; `notices` says the same translatably.'),
    notices: z.array(noticeSchema),
    scannedAt: z.string(),
  })
  .meta({ id: 'ScanResult' });
export type ScanResult = z.infer<typeof scanResultSchema>;

/**
 * The JSON bundle of an evidence report. Its exact bytes are stored and their sha256 registered in
 * the transparency log, so `wenyuan verify <receipt> --file <bundle>` proves it existed, unchanged,
 * no later than the log's checkpoint.
 */
export const evidenceBundleSchema = z
  .object({
    type: z.literal('wenyuan.evidence/v1'),
    id: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    method: z.object({ fingerprint: z.string(), matchDistance: z.number().int(), watermark: z.string() }),
    suspect: z.object({
      name: z.string(),
      sha256: z.string(),
      size: z.number().int(),
      pdq: pdqSchema.nullable(),
      iscc: z.string().nullable(),
      width: z.number().int().nullable(),
      height: z.number().int().nullable(),
      format: z.string().nullable(),
    }),
    matches: z.array(
      z.object({
        workId: z.string(),
        title: z.string().nullable(),
        original: z.object({
          sha256: z.string(),
          pdq: z.string().nullable(),
          quality: z.number().nullable(),
          width: z.number().int().nullable(),
          height: z.number().int().nullable(),
          iscc: z.string().nullable(),
        }),
        distance: z.number().int(),
        transforms: z.array(z.string()),
        transformNotes: z.array(transformNoteSchema).optional().describe('The same as codes (bundles made before session 3 lack them).'),
        receipts: z.array(receiptSchema),
      }),
    ),
    watermark: watermarkFindingSchema.nullable(),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'EvidenceBundle' });
export type EvidenceBundle = z.infer<typeof evidenceBundleSchema>;

/** An evidence report: its bundle, the bundle's hash and its registration in the log. */
export const evidenceViewSchema = z
  .object({
    id: z.string(),
    bundle: evidenceBundleSchema,
    bundleSha256: z.string(),
    suspectSha256: z.string().optional().describe('The stored suspect image (GET only; POST answers without it).'),
    registration: registrationStatusSchema.nullable(),
  })
  .meta({ id: 'EvidenceView' });
export type EvidenceView = z.infer<typeof evidenceViewSchema>;

export const evidenceSummarySchema = z
  .object({ id: z.string(), createdAt: z.string(), suspectSha256: z.string(), registrationId: z.string().nullable() })
  .meta({ id: 'EvidenceSummary' });
export type EvidenceSummary = z.infer<typeof evidenceSummarySchema>;

/** The fingerprint of a work's main image; `pending` until the job has run, `none` without an image. */
export const workFingerprintSchema = z
  .object({
    status: z.enum(['ok', 'low_quality', 'unsupported', 'pending', 'none']),
    pdq: z.string().nullable().describe('PDQ hash, hex.'),
    quality: z.number().nullable(),
    iscc: isccCodesSchema.nullable(),
    reason: z.string().nullable().describe('Why there is no usable fingerprint (too small, flat, undecodable).'),
  })
  .meta({ id: 'WorkFingerprint' });
export type WorkFingerprint = z.infer<typeof workFingerprintSchema>;

/** A marked copy of a work, as those who manage it see it (GET /api/works/:id/watermarked-copies). */
export const copyRecordSchema = z
  .object({
    serial: z.number().int(),
    workId: z.string(),
    purpose: z.enum(['download', 'licence', 'public']),
    recipient: z.string().nullable().describe('The licensee’s name, or the account’s "display name (username)".'),
    recipientId: z.string().nullable(),
    reference: z.string().nullable(),
    outputSha256: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'CopyRecord' });
export type CopyRecord = z.infer<typeof copyRecordSchema>;
