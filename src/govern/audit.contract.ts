import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from './audit-chain.js';

/** The shapes of the audit trail's routes (admins only). */

export const auditActionSchema = z.enum(AUDIT_ACTIONS).meta({ id: 'AuditAction' });

export const auditRecordSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string().describe('A user id, "anonymous" or "system".'),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string(),
    outcome: z.string(),
    details: z.string().describe('Canonical JSON: the exact text the hash covers.'),
    ip: z.string().describe('A keyed pseudonym of the client address, or empty.'),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditRecord' });

export const auditFilterSchema = z.object({
  action: auditActionSchema.optional(),
  actor: z.string().max(64).optional(),
  targetType: z.string().max(64).optional(),
  targetId: z.string().max(200).optional(),
  since: z.string().max(40).optional().describe('ISO time, inclusive.'),
  until: z.string().max(40).optional().describe('ISO time, exclusive.'),
});

export const auditListQuerySchema = auditFilterSchema.extend({
  before: z.coerce.number().int().positive().optional().describe('The `next` of the previous page.'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const auditPageSchema = z
  .object({ items: z.array(auditRecordSchema), next: z.number().int().nullable().describe('Pass as `before` for the next (older) page; null at the end.') })
  .meta({ id: 'AuditPage' });

const breakSchema = z.object({ seq: z.number().int(), reason: z.enum(['hash_mismatch', 'prev_mismatch', 'missing', 'out_of_order']), message: z.string() });

export const auditVerifySchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    from: z.number().int(),
    head: z.object({ seq: z.number().int(), hash: z.string() }),
    firstBreak: breakSchema.nullable(),
    anchor: z.union([
      z.object({ status: z.literal('none') }),
      z.object({ status: z.enum(['matches', 'mismatch', 'not_in_log']), seq: z.number().int(), registrationId: z.string(), message: z.string() }),
    ]),
  })
  .meta({ id: 'AuditVerifyReport' });

/** The outcomes, for clients that filter by them. */
export const auditOutcomeSchema = z.enum(AUDIT_OUTCOMES);
