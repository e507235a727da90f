import { z } from 'zod';
import { REGISTRANT_ROLES } from './entry.js';

/** The shapes of the registry routes: receipts, registrations and proofs. */

export const registrantRoleSchema = z.enum(REGISTRANT_ROLES).meta({ id: 'RegistrantRole', description: 'Who a registration is made as.' });

/** What a registrant keeps: everything needed to verify the registration offline. */
export const receiptSchema = z
  .object({
    type: z.literal('wenyuan.registry.receipt/v1'),
    registrationId: z.string(),
    log: z.object({ origin: z.string(), verifierKey: z.string() }),
    entry: z.string().describe('The canonical entry text (the Merkle leaf is SHA-256(0x00 ‖ these bytes)).'),
    index: z.number().int(),
    treeSize: z.number().int(),
    proof: z.string().describe('C2SP tlog-proof: index, inclusion proof and the signed checkpoint; `extra` repeats the entry.'),
    work: z.object({ id: z.string().nullable() }).describe('For people reading the receipt; not covered by any signature.'),
  })
  .meta({ id: 'Receipt' });
export type Receipt = z.infer<typeof receiptSchema>;

export const registrationPendingSchema = z.object({ status: z.literal('pending'), registrationId: z.string() }).meta({ id: 'RegistrationPending' });
export const registrationSequencedSchema = z
  .object({
    status: z.literal('sequenced'),
    registrationId: z.string(),
    receipt: receiptSchema,
    later: z.object({ treeSize: z.number().int(), rootHashHex: z.string(), consistencyBundle: z.string() }).nullable().optional().describe('The log has grown past the receipt’s checkpoint: its latest size and root, and where to get the consistency proof to it.'),
  })
  .meta({ id: 'RegistrationSequenced' });
/** Pending until a signed checkpoint covers the entry; then the receipt. */
export const registrationStatusSchema = z.discriminatedUnion('status', [registrationPendingSchema, registrationSequencedSchema]).meta({ id: 'RegistrationStatus' });
export type RegistrationStatus = z.infer<typeof registrationStatusSchema>;

export const registrationSummarySchema = z
  .object({ registrationId: z.string(), index: z.number().int(), sequencedAt: z.string() })
  .meta({ id: 'RegistrationSummary' });
export type RegistrationSummary = z.infer<typeof registrationSummarySchema>;

/** Hashes of a proof, base64, as RFC 6962 orders them. */
const proofHashes = z.array(z.string());

export const inclusionProofSchema = z.object({ index: z.number().int(), treeSize: z.number().int(), proof: proofHashes }).meta({ id: 'InclusionProof' });
export const consistencyProofSchema = z.object({ from: z.number().int(), to: z.number().int(), proof: proofHashes }).meta({ id: 'ConsistencyProof' });

/** What `wenyuan verify --later` takes: the latest signed checkpoint and the consistency proof to it. */
export const consistencyBundleSchema = z
  .object({ type: z.literal('wenyuan.registry.consistency/v1'), from: z.number().int(), checkpoint: z.string(), proof: proofHashes })
  .meta({ id: 'ConsistencyBundle' });
