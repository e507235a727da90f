import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import type { Database } from '../platform/db/database.js';
import type { KeyStore } from '../platform/keystore.js';

export interface RegistrantKey {
  keyId: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
}

/** `ed25519:` + the first 16 bytes of SHA-256 of the raw public key, in hex. */
export function registrantKeyId(rawPublicKey: Buffer): string {
  return `ed25519:${createHash('sha256').update(rawPublicKey).digest('hex').slice(0, 32)}`;
}

/**
 * One Ed25519 key per registrant, held by the platform for them (custodial): the entry names the
 * key id, and the platform can prove later, by signing, that a registration was made for that key.
 * The private half is sealed with the instance key; erasing a user deletes the row and unlinks the
 * person from every entry made with it.
 */
export class RegistrantKeys {
  constructor(
    private readonly database: Database,
    private readonly keystore: KeyStore,
  ) {}

  async forUser(userId: string): Promise<RegistrantKey> {
    const existing = await this.database.db.selectFrom('registrant_keys').select(['key_id', 'public_key']).where('user_id', '=', userId).executeTakeFirst();
    if (existing) return { keyId: existing.key_id, publicKey: existing.public_key };
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'jwk' }).x!;
    const rawPublic = Buffer.from(raw, 'base64url');
    const row = {
      user_id: userId,
      key_id: registrantKeyId(rawPublic),
      public_key: rawPublic.toString('base64'),
      private_key: this.keystore.seal(privateKey.export({ format: 'der', type: 'pkcs8' })),
      created_at: new Date().toISOString(),
    };
    await this.database.db.insertInto('registrant_keys').values(row).onConflict((oc) => oc.column('user_id').doNothing()).execute();
    return this.forUser(userId);
  }

  /** Signs `message` with the user's registrant key (a proof of control to show a third party). */
  async sign(userId: string, message: Uint8Array): Promise<{ keyId: string; signature: string }> {
    const row = await this.database.db.selectFrom('registrant_keys').select(['key_id', 'private_key']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    const key = createPrivateKey({ key: this.keystore.unseal(row.private_key), format: 'der', type: 'pkcs8' });
    return { keyId: row.key_id, signature: sign(null, message, key).toString('base64') };
  }
}
