import { z } from 'zod';
import { errorParamsSchema } from '../platform/http/api-contract.js';

/**
 * The shapes of the review routes: the queue (submissions and report cases), decisions, appeals,
 * reports, the workload figures, the instance's review settings and reasons, and notifications.
 */

const id = z.string().min(1).max(64);
export const idParams = z.object({ id });

export const REVIEW_KINDS = ['submission', 'report'] as const;
export const REVIEW_STATES = ['open', 'decided'] as const;
export const REVIEW_STAGES = ['first', 'appeal'] as const;
export const SUBMISSION_DECISIONS = ['approved', 'rejected', 'changes_requested'] as const;
export const CASE_DECISIONS = ['dismissed', 'unpublished'] as const;
export const DECISIONS = [...SUBMISSION_DECISIONS, ...CASE_DECISIONS] as const;
export const REVIEW_POLICIES = ['none', 'creators', 'collections'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];
export type ReviewDecision = (typeof DECISIONS)[number];
export type ReviewPolicy = (typeof REVIEW_POLICIES)[number];

export const reviewKindSchema = z.enum(REVIEW_KINDS).meta({ id: 'ReviewKind' });
export const reviewDecisionSchema = z.enum(DECISIONS).meta({ id: 'ReviewDecision' });

export const reviewCheckSchema = z
  .object({
    code: z.string().describe('files, metadata, terms, fingerprint, watermark, or rule.<id> for the instance’s own rules'),
    outcome: z.enum(['pass', 'warn', 'fail']),
    params: errorParamsSchema,
    checkedAt: z.string(),
  })
  .meta({ id: 'ReviewCheck' });

export const reviewReportSchema = z.object({ reasonCode: z.string(), details: z.string(), createdAt: z.string() }).meta({ id: 'ReviewReport' });

export const reviewItemSchema = z
  .object({
    id: z.string(),
    kind: reviewKindSchema,
    workId: z.string(),
    workTitle: z.record(z.string(), z.string()).nullable().describe('The work’s title by language.'),
    workVisibility: z.enum(['private', 'public']).nullable(),
    submitterId: z.string().nullable(),
    submitterName: z.string().nullable(),
    state: z.enum(REVIEW_STATES),
    stage: z.enum(REVIEW_STAGES),
    openedAt: z.string(),
    stageOpenedAt: z.string(),
    claimedBy: z.string().nullable().describe('The reviewer holding the item while the claim lasts (null: free).'),
    claimedByName: z.string().nullable(),
    claimExpiresAt: z.string().nullable(),
    decision: reviewDecisionSchema.nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    reasonCode: z.string().nullable(),
    reasonText: z.string().nullable(),
    firstDecidedBy: z.string().nullable().describe('Who made the decision an appeal is against: someone else decides the appeal.'),
    appealText: z.string().nullable(),
    appealedAt: z.string().nullable(),
    appealUntil: z.string().nullable().describe('Until when the submitter may appeal (null: they may not).'),
    reportCount: z.number().int(),
    checksState: z.enum(['pending', 'done', 'none']),
    checks: z.array(reviewCheckSchema),
    reports: z.array(reviewReportSchema).describe('What reporters said (a case; at most the latest 50).'),
  })
  .meta({ id: 'ReviewItem' });
export type ReviewItemView = z.infer<typeof reviewItemSchema>;

export const reviewQueueSchema = z
  .object({ items: z.array(reviewItemSchema), next: z.string().nullable().describe('Pass as `after` for the next page (null: last page).') })
  .meta({ id: 'ReviewQueuePage' });

export const reviewQueueQuery = z.object({
  kind: z.enum(REVIEW_KINDS).optional(),
  state: z.enum(REVIEW_STATES).optional(),
  stage: z.enum(REVIEW_STAGES).optional(),
  mine: z.enum(['1']).optional().describe('Only items I hold'),
  after: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

export const decisionBody = z.object({
  decision: reviewDecisionSchema,
  reasonCode: z.string().max(40).nullish(),
  reasonText: z.string().max(2000).nullish(),
});

export const appealBody = z.object({ text: z.string().trim().min(1).max(2000) });

export const reportBody = z.object({ reasonCode: z.string().min(1).max(40), details: z.string().max(2000).nullish() });
export const reportAnswerSchema = z.object({ caseId: z.string(), merged: z.boolean().describe('True when the report joined a case already open for the work.') }).meta({ id: 'ReviewReportAnswer' });

export const workloadSchema = z
  .object({
    open: z.object({ submissions: z.number().int(), appeals: z.number().int(), reports: z.number().int() }),
    oldestOpenAt: z.string().nullable(),
    medianOpenAgeSeconds: z.number().nullable(),
    decisions: z.array(z.object({ reviewerId: z.string(), name: z.string().nullable(), count: z.number().int() })).describe('Decisions per reviewer in the last 30 days.'),
    medianDecisionSeconds: z.number().nullable().describe('From a stage opening to its decision, over the last 30 days.'),
    appeals: z.object({ decided: z.number().int(), overturned: z.number().int(), rate: z.number().nullable() }),
  })
  .meta({ id: 'ReviewWorkload' });
export type ReviewWorkload = z.infer<typeof workloadSchema>;

const termSchema = z.object({ term: z.string().trim().min(1).max(100), outcome: z.enum(['warn', 'fail']) });
const ruleSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be 1–32 lower-case letters, digits, - or _'),
  field: z.string().regex(/^(any|[A-Za-z]{1,40})$/, 'must be a metadata field name or any'),
  contains: z.string().trim().min(1).max(200),
  outcome: z.enum(['warn', 'fail']),
});
export const reviewSettingsSchema = z
  .object({
    policy: z.enum(REVIEW_POLICIES).describe('none: nothing waits; creators: every creator’s publication waits; collections: only works in the listed collections'),
    collections: z.array(id).max(500),
    appealDays: z.number().int().min(1).max(365),
    terms: z.array(termSchema).max(1000),
    rules: z.array(ruleSchema).max(100),
    fileKinds: z.array(z.string().min(1).max(20)).max(20),
    maxFileBytes: z.number().int().min(1),
    requiredFields: z.array(z.string().min(1).max(40)).max(30),
  })
  .meta({ id: 'ReviewSettings' });
export type ReviewSettings = z.infer<typeof reviewSettingsSchema>;

export const reviewReasonSchema = z
  .object({ code: z.string(), label: z.object({ 'zh-Hans': z.string(), en: z.string() }), appliesTo: z.enum(['decision', 'report', 'both']), retired: z.boolean() })
  .meta({ id: 'ReviewReason' });
export type ReviewReason = z.infer<typeof reviewReasonSchema>;
export const reasonParams = z.object({ code: z.string().regex(/^[a-z0-9_]{1,40}$/, 'must be 1–40 lower-case letters, digits or _') });
export const reasonBody = z.object({
  label: z.object({ 'zh-Hans': z.string().trim().min(1).max(100), en: z.string().trim().min(1).max(100) }),
  appliesTo: z.enum(['decision', 'report', 'both']),
  retired: z.boolean().nullish(),
});

export const notificationSchema = z
  .object({ id: z.string(), kind: z.string().describe('review.decision, review.case_decision'), params: errorParamsSchema, createdAt: z.string(), readAt: z.string().nullable() })
  .meta({ id: 'Notification' });
export const notificationListSchema = z.object({ items: z.array(notificationSchema), unread: z.number().int() }).meta({ id: 'NotificationList' });
export const markReadBody = z.object({ ids: z.array(id).max(200).nullish().describe('Omit to mark every notification read.') });
export const notificationEmailSchema = z.object({ email: z.string().nullable(), mailConfigured: z.boolean() }).meta({ id: 'NotificationEmail' });
export const notificationEmailBody = z.object({ email: z.email().max(254).nullable() });
