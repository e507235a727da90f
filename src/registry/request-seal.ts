import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** What a registration request's seal covers: everything that decides what enters the log, and for whom. */
export interface SealedFields {
  registrationId: string;
  requestKey: string;
  generation: number;
  entry: string;
  workId: string | null;
  userId: string | null;
  createdAt: string;
}

/**
 * The idempotency key of a registration: the same work, file, registrant, role and terms give the same
 * key, so a repeated request (a retried click, a batch run again after a kill) finds the registration
 * it made before. Registrations without a user (made straight through the repository by tools) key on
 * their own id and are never merged.
 */
export function registrationRequestKey(parts: { workId: string | null; fileSha256: string; userId: string; role: string; termsSha256: string | null }): string {
  return createHash('sha256').update(JSON.stringify(['wenyuan.registration-request/v1', parts.workId, parts.fileSha256, parts.userId, parts.role, parts.termsSha256])).digest('hex');
}

/** The key of a registration that is never merged with another (no user behind it). */
export function rawRequestKey(registrationId: string): string {
  return createHash('sha256').update(JSON.stringify(['wenyuan.registration-request/v1', 'raw', registrationId])).digest('hex');
}

/**
 * Seals registration requests with an HMAC whose key lives outside the database (derived from the
 * keystore's sealing key): whoever can write the database but not read `<dataDir>/keys` cannot make a
 * pending registration the sequencer accepts, nor change one (its entry, work or registrant) unnoticed.
 */
export class RequestSealer {
  private key: Buffer | null = null;

  constructor(private readonly secret: () => Buffer) {}

  private hmacKey(): Buffer {
    this.key ??= createHmac('sha256', this.secret()).update('wenyuan.registry.request-seal/v1').digest();
    return this.key;
  }

  seal(fields: SealedFields): string {
    const f = fields;
    return createHmac('sha256', this.hmacKey())
      .update(JSON.stringify([f.registrationId, f.requestKey, f.generation, f.entry, f.workId, f.userId, f.createdAt]))
      .digest('base64');
  }

  verify(fields: SealedFields, seal: string | null): boolean {
    if (!seal) return false;
    const expected = Buffer.from(this.seal(fields), 'base64');
    const given = Buffer.from(seal, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
