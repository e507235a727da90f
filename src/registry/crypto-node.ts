/**
 * The Node implementation of the registry's CryptoProvider (node:crypto Ed25519 and SHA-256).
 * The browser verifier supplies its own (WebCrypto); nothing else in src/registry imports node:.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { CryptoProvider } from './signed-note.js';

// DER prefixes that wrap a raw 32-byte Ed25519 key as PKCS#8 (private seed) and SPKI (public key).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const privateKey = (seed: Uint8Array): KeyObject => {
  if (seed.length !== 32) throw new Error('Ed25519 seed must be 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
};

// Verifiers check many signatures with few keys; parsing the DER each time would dominate.
const publicKeys = new Map<string, KeyObject>();
const publicKey = (raw: Uint8Array): KeyObject => {
  const id = Buffer.from(raw).toString('hex');
  let key = publicKeys.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (publicKeys.size >= 1024) publicKeys.clear();
    publicKeys.set(id, key);
  }
  return key;
};

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** CryptoProvider backed by node:crypto. */
export const nodeCrypto: CryptoProvider = {
  sha256: async (data) => bytes(createHash('sha256').update(data).digest()),
  ed25519PublicKey: async (seed) => {
    const spki = createPublicKey(privateKey(seed)).export({ format: 'der', type: 'spki' });
    return bytes(spki.subarray(SPKI_PREFIX.length));
  },
  ed25519Sign: async (seed, message) => bytes(sign(null, message, privateKey(seed))),
  ed25519Verify: async (key, message, signature) => {
    if (key.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, publicKey(key), signature);
    } catch {
      return false;
    }
  },
  randomBytes: (length) => bytes(randomBytes(length)),
};
