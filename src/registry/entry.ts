/**
 * The registry's log entry: a small, canonical, versioned text that holds hashes and ids only, so a
 * privacy erasure of the person behind an entry never breaks the log.
 *
 * Version 2 (written since issue 10) binds the registration and the work into the signed tree, and
 * seals the hashes of works that are not public:
 *
 *   wenyuan.registry.entry/v2
 *   registration 01jf3k…              (the registration id the receipt names)
 *   work 01jf2z… (or "work none": a document such as an evidence report)
 *   content sha256:9f86d081…          (or "content commit:<hex>" when sealed)
 *   registrant ed25519:3a7bd3e2360a3d29eea436fcfb7e44c7
 *   role author
 *   terms sha256:2c26b46b…            (or "terms commit:<hex>" when sealed, or "terms none")
 *   fingerprint pdq:…                 (zero or more lines, public entries only)
 *   fingerprints commit:<hex>         (sealed entries only, exactly one: commits to the list)
 *   accepted 1795360000
 *
 * A sealed entry carries commitments (commitment.ts) instead of the content hash, terms hash and
 * fingerprints, so the public log does not let anyone holding a copy confirm a private work; the
 * salt that opens them lives in the receipt and the database. Fingerprint similarity search over
 * the log therefore works for public entries only.
 *
 * Version 1 (still read and verified) has no registration, work or sealed lines:
 *
 *   wenyuan.registry.entry/v1
 *   content sha256:… / registrant … / role … / terms … / fingerprint … / accepted …
 *
 * Every line is required in this order except `fingerprint`; no trailing spaces; one final newline.
 * Decoding rejects anything that would not re-encode to the same bytes.
 */
import type { EntryCommitments } from './commitment.js';

export const ENTRY_HEADER_V1 = 'wenyuan.registry.entry/v1';
export const ENTRY_HEADER_V2 = 'wenyuan.registry.entry/v2';
/** The header of entries written now. */
export const ENTRY_HEADER = ENTRY_HEADER_V2;
export const REGISTRANT_ROLES = ['author', 'right-holder', 'institution'] as const;
export type RegistrantRole = (typeof REGISTRANT_ROLES)[number];

/** An entry as written: without `registrationId` it is a version 1 entry (tests and old logs). */
export interface EntryInput {
  /** Version 2: the registration id (receipts name it; the log now signs it). */
  registrationId?: string;
  /** Version 2: the registered work, or null for a document that is not a work. */
  workId?: string | null;
  /** sha256 of the registered file, lower-case hex; null when sealed. */
  contentSha256: string | null;
  /** Id of the registrant's public key: `ed25519:` + 32 hex digits. */
  registrant: string;
  role: RegistrantRole;
  /** sha256 of the licence terms document, or null when none was given (or when sealed). */
  termsSha256: string | null;
  /** Perceptual fingerprints such as `pdq:<64 hex>` or `iscc:<code>`; empty when sealed. */
  fingerprints: string[];
  /** Version 2: commitments in place of the hashes (a work that is not public). */
  sealed?: EntryCommitments | null;
  /** When the registry accepted the registration, in whole seconds since 1970 (UTC). */
  acceptedAt: number;
}

/** A decoded entry: every field present, null where its version or sealing has none. */
export interface RegistryEntry {
  version: 1 | 2;
  /** null in version 1 entries. */
  registrationId: string | null;
  /** null for documents (version 2) and in version 1 entries, which do not name their work. */
  workId: string | null;
  contentSha256: string | null;
  registrant: string;
  role: RegistrantRole;
  termsSha256: string | null;
  fingerprints: string[];
  sealed: EntryCommitments | null;
  acceptedAt: number;
}

/** The input that encodes to a decoded entry. */
function inputOf(entry: RegistryEntry): EntryInput {
  const { version: _version, registrationId, ...rest } = entry;
  return registrationId === null ? rest : { ...rest, registrationId };
}

export class EntryFormatError extends Error {}

const HEX64 = /^[0-9a-f]{64}$/;
const REGISTRANT = /^ed25519:[0-9a-f]{32}$/;
/** Ids of registrations and works: what newId makes, and a little room. */
const ID = /^[0-9A-Za-z_-]{1,64}$/;
export const FINGERPRINT_PATTERN = /^[a-z0-9-]{1,16}:[A-Za-z0-9+/=_-]{1,200}$/;
export const MAX_FINGERPRINTS = 32;

/** Checks an entry's fields, throwing EntryFormatError with the first problem. */
export function validateEntry(entry: EntryInput): void {
  const v2 = entry.registrationId !== undefined;
  if (v2) {
    if (!ID.test(entry.registrationId!)) throw new EntryFormatError('registration must be an id of 1 to 64 letters, digits, _ or -');
    if (entry.workId === undefined) throw new EntryFormatError('a version 2 entry names its work, or none');
    // "none" is the line's word for no work, so it cannot also be an id.
    if (entry.workId !== null && (!ID.test(entry.workId) || entry.workId === 'none')) throw new EntryFormatError('work must be an id of 1 to 64 letters, digits, _ or - (not "none")');
  } else if ((entry.workId ?? null) !== null || (entry.sealed ?? null) !== null) {
    throw new EntryFormatError('only version 2 entries (with a registration) name a work or seal their hashes');
  }
  const sealed = entry.sealed ?? null;
  if (sealed) {
    if (entry.contentSha256 !== null || entry.termsSha256 !== null || entry.fingerprints.length > 0) throw new EntryFormatError('a sealed entry carries commitments instead of hashes');
    if (!HEX64.test(sealed.content) || !HEX64.test(sealed.fingerprints) || (sealed.terms !== null && !HEX64.test(sealed.terms))) throw new EntryFormatError('commitments must be lower-case 64-digit hex');
  } else if (entry.contentSha256 === null || !HEX64.test(entry.contentSha256)) {
    throw new EntryFormatError('content must be a lower-case sha256 hex digest');
  }
  if (!REGISTRANT.test(entry.registrant)) throw new EntryFormatError('registrant must look like ed25519:<32 hex digits>');
  if (!REGISTRANT_ROLES.includes(entry.role)) throw new EntryFormatError(`role must be one of ${REGISTRANT_ROLES.join(', ')}`);
  if (entry.termsSha256 !== null && !HEX64.test(entry.termsSha256)) throw new EntryFormatError('terms must be a lower-case sha256 hex digest or none');
  if (entry.fingerprints.length > MAX_FINGERPRINTS) throw new EntryFormatError(`at most ${MAX_FINGERPRINTS} fingerprints`);
  for (const f of entry.fingerprints) if (!FINGERPRINT_PATTERN.test(f)) throw new EntryFormatError(`fingerprint "${f.slice(0, 40)}" is not <kind>:<code>`);
  if (!Number.isSafeInteger(entry.acceptedAt) || entry.acceptedAt < 0) throw new EntryFormatError('accepted time must be whole seconds since 1970');
}

/** The canonical bytes of an entry: what the Merkle leaf hashes. */
export function encodeEntry(entry: EntryInput): Uint8Array {
  validateEntry(entry);
  const sealed = entry.sealed ?? null;
  const lines =
    entry.registrationId === undefined
      ? [ENTRY_HEADER_V1, `content sha256:${entry.contentSha256}`]
      : [ENTRY_HEADER_V2, `registration ${entry.registrationId}`, `work ${entry.workId ?? 'none'}`, sealed ? `content commit:${sealed.content}` : `content sha256:${entry.contentSha256}`];
  lines.push(`registrant ${entry.registrant}`, `role ${entry.role}`);
  if (sealed) lines.push(`terms ${sealed.terms === null ? 'none' : `commit:${sealed.terms}`}`, `fingerprints commit:${sealed.fingerprints}`);
  else lines.push(`terms ${entry.termsSha256 === null ? 'none' : `sha256:${entry.termsSha256}`}`, ...entry.fingerprints.map((f) => `fingerprint ${f}`));
  lines.push(`accepted ${entry.acceptedAt}`);
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

/** Parses canonical entry bytes (version 1 or 2); throws EntryFormatError naming the first bad line. */
export function decodeEntry(bytes: Uint8Array): RegistryEntry {
  if (bytes.length > 16_384) throw new EntryFormatError('entry is larger than 16 KiB');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new EntryFormatError('entry is not valid UTF-8');
  }
  if (!text.endsWith('\n')) throw new EntryFormatError('entry must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  let i = 0;
  const take = (key: string): string => {
    const line = lines[i];
    if (line === undefined || !line.startsWith(`${key} `)) throw new EntryFormatError(`line ${i + 1}: expected "${key} …"`);
    i++;
    return line.slice(key.length + 1);
  };
  const header = lines[i++];
  if (header !== ENTRY_HEADER_V1 && header !== ENTRY_HEADER_V2) throw new EntryFormatError(`line 1: expected "${ENTRY_HEADER_V2}" or "${ENTRY_HEADER_V1}"`);
  const v2 = header === ENTRY_HEADER_V2;
  const registrationId = v2 ? take('registration') : null;
  const work = v2 ? take('work') : null;
  const content = take('content');
  const sealedContent = v2 && content.startsWith('commit:');
  if (!content.startsWith('sha256:') && !sealedContent) throw new EntryFormatError(`line ${i}: content must be sha256:<hex>${v2 ? ' or commit:<hex>' : ''}`);
  const registrant = take('registrant');
  const role = take('role') as RegistrantRole;
  const terms = take('terms');
  const fingerprints: string[] = [];
  let sealed: EntryCommitments | null = null;
  if (sealedContent) {
    if (terms !== 'none' && !terms.startsWith('commit:')) throw new EntryFormatError(`line ${i}: a sealed entry's terms are commit:<hex> or none`);
    const committed = take('fingerprints');
    if (!committed.startsWith('commit:')) throw new EntryFormatError(`line ${i}: fingerprints must be commit:<hex>`);
    sealed = { content: content.slice('commit:'.length), terms: terms === 'none' ? null : terms.slice('commit:'.length), fingerprints: committed.slice('commit:'.length) };
  } else {
    while (lines[i]?.startsWith('fingerprint ')) fingerprints.push(take('fingerprint'));
  }
  const accepted = take('accepted');
  if (i !== lines.length) throw new EntryFormatError(`line ${i + 1}: unexpected "${lines[i]!.slice(0, 40)}"`);
  if (!/^(0|[1-9][0-9]*)$/.test(accepted)) throw new EntryFormatError('accepted must be a decimal number without leading zeros');
  const entry: RegistryEntry = {
    version: v2 ? 2 : 1,
    registrationId,
    workId: work === null || work === 'none' ? null : work,
    contentSha256: sealed ? null : content.slice('sha256:'.length),
    registrant,
    role,
    termsSha256: sealed || terms === 'none' ? null : terms.startsWith('sha256:') ? terms.slice('sha256:'.length) : '!',
    fingerprints,
    sealed,
    acceptedAt: Number(accepted),
  };
  // Anything that decodes must encode to the very same bytes (one text per entry); this also validates it.
  const again = encodeEntry(inputOf(entry));
  if (again.length !== bytes.length || again.some((b, k) => b !== bytes[k])) throw new EntryFormatError('entry is not in canonical form');
  return entry;
}
