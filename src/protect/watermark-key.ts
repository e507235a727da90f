import { randomBytes } from 'node:crypto';
import type { KeyStore } from '../platform/keystore.js';

/**
 * This instance's 32-byte watermark key (`<data-dir>/keys/watermark.key`, made on first use).
 * Whoever holds it can read and forge this archive's watermarks, so it never enters the database.
 */
export function watermarkKey(keystore: KeyStore): Buffer {
  return Buffer.from(keystore.readOrCreate('watermark.key', () => randomBytes(32).toString('base64')), 'base64');
}
