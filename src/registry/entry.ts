/**
 * The registry's log entry: a small, canonical, versioned text that holds hashes and ids only, so a
 * privacy erasure of the person behind an entry never breaks the log. Example:
 *
 *   wenyuan.registry.entry/v1
 *   content sha256:9f86d081…
 *   registrant ed25519:3a7bd3e2360a3d29eea436fcfb7e44c7
 *   role author
 *   terms sha256:2c26b46b… (or "terms none")
 *   fingerprint pdq:… (zero or more lines, in the order given)
 *   accepted 1795360000
 *
 * Every line is required in this order except `fingerprint`; no trailing spaces; one final newline.
 * Decoding rejects anything that would not re-encode to the same bytes.
 */
export const ENTRY_HEADER = 'wenyuan.registry.entry/v1';
export const REGISTRANT_ROLES = ['author', 'right-holder', 'institution'] as const;
export type RegistrantRole = (typeof REGISTRANT_ROLES)[number];

export interface RegistryEntry {
  /** sha256 of the registered file, lower-case hex. */
  contentSha256: string;
  /** Id of the registrant's public key: `ed25519:` + 32 hex digits. */
  registrant: string;
  role: RegistrantRole;
  /** sha256 of the licence terms document, or null when none was given. */
  termsSha256: string | null;
  /** Perceptual fingerprints such as `pdq:<64 hex>` or `iscc:<code>` (empty until the protect module exists). */
  fingerprints: string[];
  /** When the registry accepted the registration, in whole seconds since 1970 (UTC). */
  acceptedAt: number;
}

export class EntryFormatError extends Error {}

const HEX64 = /^[0-9a-f]{64}$/;
const REGISTRANT = /^ed25519:[0-9a-f]{32}$/;
const FINGERPRINT = /^[a-z0-9-]{1,16}:[A-Za-z0-9+/=_-]{1,200}$/;
const MAX_FINGERPRINTS = 32;

/** Checks an entry's fields, throwing EntryFormatError with the first problem. */
export function validateEntry(entry: RegistryEntry): void {
  if (!HEX64.test(entry.contentSha256)) throw new EntryFormatError('content must be a lower-case sha256 hex digest');
  if (!REGISTRANT.test(entry.registrant)) throw new EntryFormatError('registrant must look like ed25519:<32 hex digits>');
  if (!REGISTRANT_ROLES.includes(entry.role)) throw new EntryFormatError(`role must be one of ${REGISTRANT_ROLES.join(', ')}`);
  if (entry.termsSha256 !== null && !HEX64.test(entry.termsSha256)) throw new EntryFormatError('terms must be a lower-case sha256 hex digest or none');
  if (entry.fingerprints.length > MAX_FINGERPRINTS) throw new EntryFormatError(`at most ${MAX_FINGERPRINTS} fingerprints`);
  for (const f of entry.fingerprints) if (!FINGERPRINT.test(f)) throw new EntryFormatError(`fingerprint "${f.slice(0, 40)}" is not <kind>:<code>`);
  if (!Number.isSafeInteger(entry.acceptedAt) || entry.acceptedAt < 0) throw new EntryFormatError('accepted time must be whole seconds since 1970');
}

/** The canonical bytes of an entry: what the Merkle leaf hashes. */
export function encodeEntry(entry: RegistryEntry): Uint8Array {
  validateEntry(entry);
  const lines = [
    ENTRY_HEADER,
    `content sha256:${entry.contentSha256}`,
    `registrant ${entry.registrant}`,
    `role ${entry.role}`,
    `terms ${entry.termsSha256 === null ? 'none' : `sha256:${entry.termsSha256}`}`,
    ...entry.fingerprints.map((f) => `fingerprint ${f}`),
    `accepted ${entry.acceptedAt}`,
  ];
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

/** Parses canonical entry bytes; throws EntryFormatError naming the first bad line. */
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
  if (lines[i++] !== ENTRY_HEADER) throw new EntryFormatError(`line 1: expected "${ENTRY_HEADER}"`);
  const content = take('content');
  if (!content.startsWith('sha256:')) throw new EntryFormatError('line 2: content must be sha256:<hex>');
  const registrant = take('registrant');
  const role = take('role') as RegistrantRole;
  const terms = take('terms');
  const fingerprints: string[] = [];
  while (lines[i]?.startsWith('fingerprint ')) fingerprints.push(take('fingerprint'));
  const accepted = take('accepted');
  if (i !== lines.length) throw new EntryFormatError(`line ${i + 1}: unexpected "${lines[i]!.slice(0, 40)}"`);
  if (!/^(0|[1-9][0-9]*)$/.test(accepted)) throw new EntryFormatError('accepted must be a decimal number without leading zeros');
  const entry: RegistryEntry = {
    contentSha256: content.slice('sha256:'.length),
    registrant,
    role,
    termsSha256: terms === 'none' ? null : terms.startsWith('sha256:') ? terms.slice('sha256:'.length) : '!',
    fingerprints,
    acceptedAt: Number(accepted),
  };
  validateEntry(entry);
  return entry;
}
