import { z } from 'zod';
import { WORKS_POLICIES } from './erasure.service.js';
import { PURPOSES } from './consent.service.js';

/** The shapes of consent, the privacy notice, exports, erasure and the admins' privacy settings. */
export const purposeSchema = z.enum(PURPOSES).meta({ id: 'ConsentPurpose', description: 'recommendations: personalised recommendations; analytics: usage analytics; email: email from the instance' });

export const privacyNoticeSchema = z
  .object({
    version: z.number().int(),
    text: z.record(z.string(), z.string()).nullable().describe('The notice per language tag (Markdown); null: the built-in notice of the web interface.'),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'PrivacyNotice' });

export const noticeInputSchema = z
  .object({ text: z.record(z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a language tag such as zh-Hans or en'), z.string().trim().min(1).max(50_000)).nullable() })
  .strict();

export const consentStateSchema = z
  .object({
    purpose: purposeSchema,
    granted: z.boolean(),
    at: z.string().nullable().describe('when decided; null: never asked'),
    noticeVersion: z.number().int().nullable().describe('the notice version the decision was made under'),
    current: z.boolean().describe('decided under the current notice (false: ask again)'),
  })
  .meta({ id: 'ConsentState' });

export const consentsSchema = z
  .object({ noticeVersion: z.number().int(), needsReview: z.boolean().describe('some purpose was never decided, or under an older notice'), consents: z.array(consentStateSchema) })
  .meta({ id: 'Consents' });

export const consentsInputSchema = z
  .object({
    noticeVersion: z.number().int().min(1).describe('the version of the notice the person read (409 privacy.notice_changed when not the current one)'),
    consents: z.object({ recommendations: z.boolean().optional(), analytics: z.boolean().optional(), email: z.boolean().optional() }).strict(),
  })
  .strict();

export const personalExportSchema = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'ready', 'downloaded', 'expired', 'failed']),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    expiresAt: z.string().nullable().describe('a ready export can be downloaded once until then'),
    downloadedAt: z.string().nullable(),
    bytes: z.number().int().nullable(),
    sha256: z.string().nullable(),
  })
  .meta({ id: 'PersonalExport' });

export const erasureInputSchema = z.object({ password: z.string().min(1).max(1024).describe('your own password, again') }).strict();

export const erasureSchema = z
  .object({
    userId: z.string(),
    status: z.enum(['running', 'done']),
    worksPolicy: z.enum(WORKS_POLICIES),
    step: z.number().int(),
    steps: z.number().int(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Erasure' });

export const erasureStateSchema = z
  .object({ worksPolicy: z.enum(WORKS_POLICIES).describe('what erasing your account would do with your works'), erasure: erasureSchema.nullable().describe('an erasure under way (or done)') })
  .meta({ id: 'ErasureState' });

const days = z.number().int().min(0).max(36_500);
export const retentionRulesSchema = z
  .object({ recommendationSignalsDays: days, workEventsDays: days, exportsDays: days, finishedJobsDays: days })
  .meta({ id: 'RetentionRules', description: 'Days each kind of record is kept; 0 keeps it for ever. The audit trail is never deleted (a hash chain).' });

export const retentionReportSchema = z
  .object({ recommendationSignals: z.number().int(), workEvents: z.number().int(), sessions: z.number().int(), loginThrottle: z.number().int(), exports: z.number().int(), jobs: z.number().int(), ranAt: z.string() })
  .meta({ id: 'RetentionReport' });

export const privacySettingsSchema = z
  .object({ retention: retentionRulesSchema, erasureWorks: z.enum(WORKS_POLICIES).describe("what happens to an erased person's works: the institution keeps them, or they are deleted"), lastRun: retentionReportSchema.nullable() })
  .meta({ id: 'PrivacySettings' });

export const privacySettingsInputSchema = z.object({ retention: retentionRulesSchema.partial().optional(), erasureWorks: z.enum(WORKS_POLICIES).optional() }).strict();
