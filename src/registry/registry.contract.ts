import { z } from 'zod';
import { REGISTRANT_ROLES } from './entry.js';

/** The shapes of the registry routes: receipts, registrations and proofs. */

export const registrantRoleSchema = z.enum(REGISTRANT_ROLES).meta({ id: 'RegistrantRole', description: 'Who a registration is made as.' });

/** The salt and values a sealed entry commits to; never in the public log. */
export const receiptOpeningSchema = z
  .object({
    salt: z.string().describe('32 random bytes, hex.'),
    contentSha256: z.string(),
    termsSha256: z.string().nullable(),
    fingerprints: z.array(z.string()),
  })
  .meta({ id: 'ReceiptOpening', description: 'Opens a sealed entry: each commitment is SHA-256("wenyuan.registry.commit/v1" 0x00 field 0x00 salt value).' });

/** What a registrant keeps: everything needed to verify the registration offline. */
export const receiptSchema = z
  .object({
    type: z.literal('wenyuan.registry.receipt/v1'),
    registrationId: z.string().describe('Signed as part of a version 2 entry (its `registration` line).'),
    log: z.object({ origin: z.string(), verifierKey: z.string() }),
    entry: z.string().describe('The canonical entry text (the Merkle leaf is SHA-256(0x00 ‖ these bytes)).'),
    index: z.number().int(),
    treeSize: z.number().int().describe('The size of the signed checkpoint inside `proof`; verifiers read it from there.'),
    proof: z.string().describe('C2SP tlog-proof: index, inclusion proof and the signed checkpoint; `extra` repeats the entry.'),
    work: z.object({ id: z.string().nullable() }).describe('The registered work (null: a document). Signed as part of a version 2 entry; in version 1 entries it is not covered by any signature.'),
    opening: receiptOpeningSchema.optional().describe('Only for sealed entries (works that were not public, documents): what opens the entry’s commitments.'),
  })
  .meta({ id: 'Receipt' });
export type Receipt = z.infer<typeof receiptSchema>;

const existingField = z.boolean().optional().describe('True when this answers a repeated request: the registration made before, not a new one.');
export const registrationPendingSchema = z.object({ status: z.literal('pending'), registrationId: z.string(), existing: existingField }).meta({ id: 'RegistrationPending' });
export const registrationSequencedSchema = z
  .object({
    status: z.literal('sequenced'),
    registrationId: z.string(),
    existing: existingField,
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

/** The signed-in user's registrations of a work's current file (the work page's "registered" state). */
export const myRegistrationsSchema = z
  .object({ roles: z.array(registrantRoleSchema).describe('Roles the user registered the current file as.'), registrationIds: z.array(z.string()) })
  .meta({ id: 'MyRegistrations' });

/** What an administrator should know about the log's protection (admin page, `wenyuan doctor`). */
export const registryHealthSchema = z
  .object({
    witnesses: z.number().int().describe('Witnesses configured (WENYUAN_REGISTRY_WITNESSES).'),
    quorum: z.number().int().describe('Cosignatures a checkpoint needs to count (WENYUAN_REGISTRY_WITNESS_QUORUM).'),
    rollbackDetectable: z.boolean().describe('False without witnesses: whoever holds the database could roll the log back unnoticed.'),
    treeSize: z.number().int(),
    checkpoints: z.number().int(),
    pending: z.number().int(),
    rejected: z.number().int().describe('Pending rows the sequencer refused: written into the database without a registration request.'),
    lastCheckpointAt: z.string().nullable().describe('When the latest checkpoint was signed (ISO 8601), or null before the first.'),
    oldestPendingAt: z.string().nullable().describe('When the oldest registration still waiting to be sequenced arrived, or null when none waits.'),
  })
  .meta({ id: 'RegistryHealth' });
export type RegistryHealth = z.infer<typeof registryHealthSchema>;
