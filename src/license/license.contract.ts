import { z } from 'zod';
import { langMapSchema } from '../archive/metadata.schema.js';
import { langMapView } from '../archive/work.contract.js';

/**
 * The shapes of the licensing routes: terms (ODRL policies: a public licence and offers per work or
 * collection, rules per heritage element), "may I?" checks, orders, grants, royalty splits and the
 * ledger. Policies travel as ODRL 2.2 JSON-LD; the engine (`policy/`) checks them, not zod, so its
 * precise issues (unknown action, contradictory rules, …) reach the client.
 */

const id = z.string().min(1).max(64);
export const idParams = z.object({ id });
/** A calendar day that exists (no 2027-02-30), with an optional time. */
const realDay = (value: string) => {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d && !Number.isNaN(Date.parse(value));
};
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/, 'must be a date like 2027-01-31 or an ISO date-time')
  .refine(realDay, 'must be a day that exists, such as 2027-01-31');
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY');
/** Money on the wire: integer minor units, and the same amount as a decimal string for people. */
export const moneySchema = z.object({ minor: z.number().int(), currency, display: z.string() }).meta({ id: 'Money', description: 'An amount in integer minor units (fen for CNY) and as a decimal string.' });
/** ODRL JSON-LD as written; the policy engine checks it. */
const odrlJson = z.record(z.string(), z.unknown()).describe('An ODRL 2.2 policy in JSON-LD (compact form) using the Wenyuan profile.');

export const TARGET_TYPES = ['work', 'collection'] as const;
export const targetSchema = z.object({ type: z.enum(TARGET_TYPES), id }).meta({ id: 'LicenseTarget' });

export const ACTION_NAMES = ['display', 'reproduce', 'distribute', 'derive', 'modify', 'sell', 'tdm:mine'] as const;
export const PURPOSE_NAMES = ['commercial', 'non-commercial', 'education', 'research'] as const;

export const useRequestSchema = z
  .object({
    action: z.string().min(1).max(40),
    purpose: z.array(z.string().min(1).max(40)).max(8).default([]),
    territory: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be a country code such as CN or a region such as CN-44').optional(),
    media: z.string().min(1).max(40).optional(),
    date: isoDate.optional().describe('When the use happens; today when absent.'),
    until: isoDate.optional().describe('Orders: the last day of the licence asked for.'),
    count: z.number().int().min(1).max(1_000_000_000).optional(),
  })
  .strict()
  .meta({ id: 'UseRequest', description: 'A requested use: action, purposes, territory, media, date, number of copies.' });

export const dutySchema = z
  .object({
    action: z.string(),
    amount: moneySchema.nullable(),
    basisPoints: z.number().int().nullable(),
    party: z.string().nullable(),
    partyName: z.string().nullable(),
    text: z.string().nullable(),
  })
  .meta({ id: 'LicenseDuty' });

export const decisionSchema = z
  .object({
    outcome: z.enum(['permit', 'deny', 'permit-with-duties']),
    reason: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }),
    rule: z.object({ policy: z.string(), kind: z.string(), index: z.number().int() }).nullable(),
    duties: z.array(dutySchema),
    trace: z.array(z.string()),
  })
  .meta({ id: 'LicenseDecision', description: 'The policy engine’s answer: outcome, the reason and the rule that decided it, the duties to fulfil.' });

export const offerSchema = z
  .object({
    id,
    kind: z.enum(['public', 'offer', 'heritage']),
    target: z.object({ type: z.string(), id: z.string() }),
    inherited: z.boolean().describe('True when the policy comes from a collection the work is in.'),
    title: langMapView,
    odrl: z.record(z.string(), z.unknown()),
    status: z.enum(['active', 'withdrawn']),
    autoApprove: z.boolean(),
    editionSize: z.number().int().nullable(),
    editionRemaining: z.number().int().nullable(),
    price: moneySchema.nullable().describe('The fixed price its compensate duties ask, when there is one.'),
    actions: z.array(z.string()),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LicensePolicy', description: 'A public licence, an offer, or a heritage element’s rules, with its ODRL JSON-LD.' });

export const offerInputSchema = z
  .object({
    target: targetSchema,
    title: langMapSchema,
    odrl: odrlJson,
    autoApprove: z.boolean().default(false),
    editionSize: z.number().int().min(1).max(1_000_000_000).nullable().default(null),
  })
  .strict();

export const offerUpdateSchema = z
  .object({ title: langMapSchema.optional(), odrl: odrlJson.optional(), autoApprove: z.boolean().optional(), editionSize: z.number().int().min(1).max(1_000_000_000).nullable().optional(), version: z.number().int().min(1) })
  .strict();

export const publicLicenceInputSchema = z
  .object({
    odrl: odrlJson.nullable().optional().describe('A Set policy; null removes the licence (the rights statement applies again).'),
    rightsUri: z.string().max(300).optional().describe('Or a Creative Commons / RightsStatements.org URI, mapped onto the same model.'),
  })
  .strict();

/** What the work page says: free uses, offers, heritage rules, AI training. */
export const freeUseSchema = z.object({ action: z.string(), purpose: z.string(), outcome: z.enum(['permit', 'deny', 'permit-with-duties']), duties: z.array(dutySchema) });
export const termsSchema = z
  .object({
    workId: id,
    rightsUri: z.string().nullable(),
    publicLicence: offerSchema.nullable(),
    publicLicenceSource: z.enum(['policy', 'collection', 'rights-statement', 'none']),
    freeUses: z.array(freeUseSchema),
    offers: z.array(offerSchema),
    heritage: z.array(z.object({ id, name: langMapView, custodian: z.string().nullable(), custodianName: langMapView.nullable().describe('The custodian party’s name (a community fund), shown in the rules’ words.'), rules: z.array(offerSchema) })),
    aiTraining: z.enum(['allowed', 'licensable', 'reserved']),
    licensable: z.boolean(),
    freeToReuse: z.boolean(),
  })
  .meta({ id: 'WorkTerms', description: 'Everything a work’s rights allow: free uses, offers with prices, inherited heritage rules, AI-training reservation.' });

export const checkInputSchema = useRequestSchema.extend({ workId: id, party: z.string().min(1).max(200).optional().describe('The party asking; the signed-in account when absent.') });
export const checkResultSchema = z
  .object({
    outcome: z.enum(['permit', 'deny', 'permit-with-duties']),
    basis: z.enum(['public-licence', 'grant', 'offer', 'none']),
    offerId: z.string().nullable(),
    grantId: z.string().nullable(),
    price: moneySchema.nullable(),
    decision: decisionSchema,
  })
  .meta({ id: 'LicenseCheck', description: '“May this party do this?” — the answer, what it rests on (the public licence, a grant, an offer) and why.' });

export const ORDER_STATUSES = ['requested', 'approved', 'granted', 'rejected', 'cancelled'] as const;
export const orderSchema = z
  .object({
    id,
    workId: id,
    workTitle: langMapView,
    offerId: id,
    licenseeId: id,
    licenseeName: z.string(),
    request: useRequestSchema,
    price: moneySchema,
    copies: z.number().int(),
    status: z.enum(ORDER_STATUSES),
    invoiceNumber: z.string().nullable(),
    decidedAt: z.string().nullable(),
    note: z.string().nullable(),
    duties: z.array(dutySchema),
    grantId: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    canDecide: z.boolean().describe('The reader may approve, reject or confirm payment.'),
  })
  .meta({ id: 'LicenseOrder' });
export const orderListSchema = z.object({ items: z.array(orderSchema) }).meta({ id: 'LicenseOrderList' });
export const orderInputSchema = z.object({ workId: id, offerId: id, request: useRequestSchema, licenseeName: z.string().trim().min(1).max(200).optional().describe('The licensee as named on the certificate (a studio); the account’s name when absent.') }).strict();
export const paymentInputSchema = z
  .object({ amount: z.string().regex(/^\d{1,15}(\.\d{1,4})?$/, 'must be a decimal amount such as 1200.00'), currency, reference: z.string().trim().max(200).optional().describe('The bank transfer’s reference.') })
  .strict();
export const decisionNoteSchema = z.object({ note: z.string().trim().max(2000).optional() }).strict();

export const GRANT_STATES = ['valid', 'expired', 'revoked', 'not-yet-valid'] as const;
export const grantSchema = z
  .object({
    id,
    orderId: id,
    workId: id,
    workTitle: langMapView,
    licenseeId: id,
    licenseeName: z.string(),
    state: z.enum(GRANT_STATES),
    validFrom: z.string(),
    validUntil: z.string().nullable(),
    agreementSha256: z.string(),
    registrationId: z.string().nullable(),
    revokedAt: z.string().nullable(),
    revokeReason: z.string().nullable(),
    revocationRegistrationId: z.string().nullable(),
    createdAt: z.string(),
    canRevoke: z.boolean(),
  })
  .meta({ id: 'LicenseGrant' });
export const grantListSchema = z.object({ items: z.array(grantSchema) }).meta({ id: 'LicenseGrantList' });
export const grantPublicStatusSchema = z
  .object({ id, state: z.enum(GRANT_STATES), workId: id, workTitle: langMapView, licenseeName: z.string(), validFrom: z.string(), validUntil: z.string().nullable(), agreementSha256: z.string(), registrationId: z.string().nullable(), revokedAt: z.string().nullable() })
  .meta({ id: 'LicenseGrantStatus', description: 'What the certificate’s QR code opens: whether the grant is valid, expired or revoked.' });

export const partyKinds = ['person', 'institution', 'community', 'estate', 'organisation'] as const;
export const partySchema = z.object({ id, kind: z.enum(partyKinds), name: langMapView, userId: z.string().nullable(), contact: z.string().nullable(), createdAt: z.string() }).meta({ id: 'LicenseParty' });
export const partyListSchema = z.object({ items: z.array(partySchema) }).meta({ id: 'LicensePartyList' });
export const partyInputSchema = z.object({ kind: z.enum(partyKinds), name: langMapSchema, userId: z.string().max(64).nullable().optional(), contact: z.string().trim().max(500).nullable().optional() }).strict();

export const splitShareSchema = z.object({ partyId: id, basisPoints: z.number().int(), role: z.string().trim().max(80).optional() });
export const splitSchema = z
  .object({ workId: id, version: z.number().int(), shares: z.array(splitShareSchema.extend({ partyName: langMapView })), note: z.string().nullable(), createdAt: z.string() })
  .meta({ id: 'RoyaltySplit', description: 'Who is paid what share of a work’s licence income, in basis points summing to 10,000.' });
export const splitHistorySchema = z.object({ current: splitSchema.nullable(), history: z.array(splitSchema) }).meta({ id: 'RoyaltySplitHistory' });
export const splitInputSchema = z.object({ shares: z.array(splitShareSchema).min(1).max(50), note: z.string().trim().max(1000).optional(), version: z.number().int().min(0).describe('The version this edit is based on (0 for the first).') }).strict();

export const heritageElementSchema = z
  .object({ id, name: langMapView, description: langMapView.nullable(), custodianPartyId: z.string().nullable(), rules: z.array(offerSchema), workCount: z.number().int() })
  .meta({ id: 'HeritageElement', description: 'A heritage element (a mask pattern, an embroidery motif) whose rules every work using it inherits.' });
export const heritageElementListSchema = z.object({ items: z.array(heritageElementSchema) }).meta({ id: 'HeritageElementList' });
export const heritageElementInputSchema = z
  .object({ name: langMapSchema, description: langMapSchema.nullable().optional(), custodianPartyId: z.string().max(64).nullable().optional(), rules: odrlJson.nullable().optional().describe('A Set policy every work using the element inherits.') })
  .strict();
export const workHeritageSchema = z.object({ elementIds: z.array(id).max(50) }).strict().meta({ id: 'WorkHeritageElements' });

export const statementSchema = z
  .object({
    party: partySchema,
    currency,
    from: z.string(),
    to: z.string(),
    opening: moneySchema,
    totalIn: moneySchema,
    totalOut: moneySchema,
    closing: moneySchema,
    lines: z.array(z.object({ date: z.string(), transactionId: z.string(), kind: z.string(), workId: z.string().nullable(), orderId: z.string().nullable(), memo: z.string(), amount: moneySchema })),
  })
  .meta({ id: 'RoyaltyStatement', description: 'A party’s royalty statement for a period: opening balance, what was earned, what was paid out.' });
export const statementQuerySchema = z.object({ from: isoDate, to: isoDate, currency: currency.default('CNY') });

export const trialBalanceSchema = z
  .object({ balanced: z.boolean(), accounts: z.array(z.object({ account: z.string(), currency, minor: z.number().int() })), totals: z.array(z.object({ currency, minor: z.number().int() })) })
  .meta({ id: 'LedgerTrialBalance', description: 'Every account’s balance; each currency sums to zero when the ledger balances.' });
export const settlementSchema = z
  .object({ id, currency, periodTo: z.string(), total: moneySchema, lines: z.array(z.object({ partyId: z.string(), partyName: langMapView, amount: moneySchema })), sha256: z.string(), registrationId: z.string().nullable(), createdAt: z.string() })
  .meta({ id: 'SettlementBatch', description: 'One settlement run: what each party was paid; its document’s hash is registered in the transparency log.' });
export const settlementListSchema = z.object({ items: z.array(settlementSchema) }).meta({ id: 'SettlementBatchList' });
export const settlementInputSchema = z.object({ currency: currency.default('CNY'), periodTo: isoDate }).strict();

/** W3C TDMRep's /.well-known/tdmrep.json: rules by location, the first that matches a path applies. */
export const tdmRepSchema = z
  .array(z.object({ location: z.string(), 'tdm-reservation': z.union([z.literal(0), z.literal(1)]), 'tdm-policy': z.string().optional() }))
  .meta({ id: 'TdmRep', description: 'TDM Reservation Protocol rules: 1 = text and data mining reserved, 0 = allowed; tdm-policy links the licence offer.' });
