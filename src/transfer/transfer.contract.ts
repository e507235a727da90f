import { z } from 'zod';
import { DATA_CLASSES, TRANSFER_OUTCOMES } from './transfer-policy.js';

/** The shapes of the cross-border transfer routes (staff; rules, labels and approvals: admins). */

export const transferClassSchema = z.enum(DATA_CLASSES);
export const transferOutcomeSchema = z.enum(TRANSFER_OUTCOMES).meta({ id: 'TransferOutcome', description: 'allow; assess (needs an approved risk assessment); refuse.' });
export const TRANSFER_PATHS = ['bag_export', 'api_export', 'licensed_copy', 'harvest'] as const;
export const transferPathSchema = z.enum(TRANSFER_PATHS).meta({ id: 'TransferPath', description: 'Where data leaves: the CLI export, the staff export download, a licensed copy, federation harvesting (not built yet).' });
export const destinationSchema = z.string().min(2).max(6).describe('ISO 3166-1 alpha-2 code (CN, DE, US, HK …), optionally with a subdivision (CN-11)');

export const transferRuleSchema = z
  .object({
    id: z.string(),
    destination: z.string().describe('CN (mainland China, domestic), an ISO 3166-1 alpha-2 code, or * (any destination outside the mainland)'),
    dataClass: z.union([transferClassSchema, z.literal('*')]),
    outcome: transferOutcomeSchema,
    note: z.string().nullable(),
  })
  .meta({ id: 'TransferRule' });

export const contradictionSchema = z
  .object({ ruleId: z.string(), overriddenBy: z.string(), outcome: transferOutcomeSchema, effective: transferOutcomeSchema })
  .meta({ id: 'TransferContradiction', description: 'A rule looser than a rule covering all it covers: it has no effect (the strictest wins).' });

export const transferRulesSchema = z.object({ items: z.array(transferRuleSchema), contradictions: z.array(contradictionSchema) }).meta({ id: 'TransferRules' });

export const ruleInputSchema = z.object({
  id: z.string().max(64).optional().describe('keep an existing rule’s id'),
  destination: z.string().min(1).max(10),
  dataClass: z.union([transferClassSchema, z.literal('*')]),
  outcome: transferOutcomeSchema,
  note: z.string().max(500).nullish(),
});

const langText = z.object({ 'zh-Hans': z.string().max(200), en: z.string().max(200) });
export const classLabelSchema = z.object({ dataClass: transferClassSchema, label: langText }).meta({ id: 'DataClassLabel' });
export const classLabelsSchema = z.object({ items: z.array(classLabelSchema) }).meta({ id: 'DataClassLabels' });

export const classDecisionSchema = z.object({ dataClass: transferClassSchema, outcome: transferOutcomeSchema, ruleIds: z.array(z.string()) });
export const transferDecisionSchema = z
  .object({
    destination: z.string(),
    domestic: z.boolean(),
    outcome: transferOutcomeSchema,
    classes: z.array(classDecisionSchema),
    ruleIds: z.array(z.string()),
    needsAssessment: z.array(transferClassSchema).describe('The classes an approved assessment must cover.'),
    works: z.number().int().describe('How many works the transfer sends.'),
    assessmentId: z.string().nullable().describe('The approved assessment that covers it, when one was given or found.'),
  })
  .meta({ id: 'TransferDecision' });

export const transferSubjectSchema = z.object({
  collectionId: z.string().max(64).nullish(),
  workIds: z.array(z.string().max(64)).max(10_000).nullish(),
});

export const ASSESSMENT_STATUSES = ['pending', 'approved', 'rejected'] as const;
export const assessmentSchema = z
  .object({
    id: z.string(),
    status: z.enum(ASSESSMENT_STATUSES),
    destination: z.string(),
    dataClasses: z.array(transferClassSchema),
    scope: z.object({ type: z.enum(['collection', 'works']), ids: z.array(z.string()) }),
    purpose: z.string(),
    recipient: z.string(),
    volume: z.string(),
    safeguards: z.string(),
    notes: z.record(z.string(), z.string()).nullable().describe('Free text in zh-Hans and en.'),
    submittedBy: z.string(),
    submittedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
    expiresAt: z.string().nullable(),
    expired: z.boolean(),
  })
  .meta({ id: 'TransferAssessment' });

export const assessmentInputSchema = z.object({
  destination: destinationSchema,
  dataClasses: z.array(transferClassSchema).min(1).max(4),
  scope: z.object({ type: z.enum(['collection', 'works']), ids: z.array(z.string().max(64)).min(1).max(1000) }),
  purpose: z.string().min(1).max(2000),
  recipient: z.string().min(1).max(500),
  volume: z.string().min(1).max(500),
  safeguards: z.string().min(1).max(4000),
  notes: z.object({ 'zh-Hans': z.string().max(4000).optional(), en: z.string().max(4000).optional() }).nullish(),
});

export const decisionLogSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    path: transferPathSchema,
    destination: z.string(),
    dataClasses: z.array(transferClassSchema),
    outcome: transferOutcomeSchema,
    proceeded: z.boolean(),
    reason: z.string().nullable().describe('Why it did not proceed (the error key), when it did not.'),
    rules: z.array(z.object({ id: z.string(), destination: z.string(), dataClass: z.string(), outcome: z.string() })),
    assessmentId: z.string().nullable(),
    actor: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
  })
  .meta({ id: 'TransferDecisionRecord' });

export const transferExportSchema = z
  .object({ id: z.string(), decision: transferDecisionSchema, works: z.number().int(), bytes: z.number().int(), fileName: z.string(), downloadUrl: z.string() })
  .meta({ id: 'TransferExport' });
