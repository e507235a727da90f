/**
 * The browser implementation of the registry's CryptoProvider, on WebCrypto: SHA-256 and Ed25519
 * verification only. Signing and key derivation stay on the server (crypto-node.ts); a browser
 * verifies receipts, it never signs. WebCrypto exists only in secure contexts (https, localhost).
 *
 * Typed structurally rather than with the DOM lib, so it compiles in the server build too (Node's
 * globalThis.crypto is WebCrypto as well, which is how it is tested).
 */
import type { CryptoProvider } from './signed-note.js';

interface Subtle {
  digest(algorithm: string, data: ArrayBuffer): Promise<ArrayBuffer>;
  importKey(format: 'raw', keyData: ArrayBuffer, algorithm: { name: string }, extractable: boolean, usages: string[]): Promise<unknown>;
  verify(algorithm: { name: string }, key: unknown, signature: ArrayBuffer, data: ArrayBuffer): Promise<boolean>;
}
interface WebCrypto {
  subtle?: Subtle;
  getRandomValues<T extends Uint8Array>(array: T): T;
}

const webCrypto = (): WebCrypto | undefined => (globalThis as unknown as { crypto?: WebCrypto }).crypto;

function subtle(): Subtle {
  const s = webCrypto()?.subtle;
  if (!s) throw new Error('WebCrypto is not available: open this page over https (or on localhost)');
  return s;
}

/** A copy in a fresh ArrayBuffer of exactly its length (what WebCrypto takes everywhere). */
const buffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;
const ED25519 = { name: 'Ed25519' };

// Receipts are checked against one or two keys; importing each once keeps repeated checks cheap.
const keys = new Map<string, Promise<unknown>>();
function importEd25519(publicKey: Uint8Array): Promise<unknown> {
  const id = Array.from(publicKey, (b) => b.toString(16).padStart(2, '0')).join('');
  let key = keys.get(id);
  if (!key) {
    key = subtle().importKey('raw', buffer(publicKey), ED25519, false, ['verify']);
    key.catch(() => keys.delete(id));
    if (keys.size >= 64) keys.clear();
    keys.set(id, key);
  }
  return key;
}

const notInBrowser = (what: string) => () => Promise.reject(new Error(`${what} is not available in the browser: only the server signs`));

/** CryptoProvider backed by WebCrypto (crypto.subtle); verifies but does not sign. */
export const webCryptoProvider: CryptoProvider = {
  sha256: async (data) => new Uint8Array(await subtle().digest('SHA-256', buffer(data))),
  ed25519PublicKey: notInBrowser('Ed25519 key derivation'),
  ed25519Sign: notInBrowser('Ed25519 signing'),
  ed25519Verify: async (publicKey, message, signature) => {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return await subtle().verify(ED25519, await importEd25519(publicKey), buffer(signature), buffer(message));
    } catch {
      return false;
    }
  },
  randomBytes: (length) => {
    const c = webCrypto();
    if (!c) throw new Error('WebCrypto is not available');
    return c.getRandomValues(new Uint8Array(length));
  },
};

/** Whether this browser can verify here: WebCrypto present (a secure context) and Ed25519 supported. */
export async function webCryptoSupport(): Promise<'ok' | 'no-webcrypto' | 'no-ed25519'> {
  const s = webCrypto()?.subtle;
  if (!s) return 'no-webcrypto';
  // RFC 8032 §7.1 test 1: the empty message signed by this key.
  const publicKey = hexBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  const signature = hexBytes(
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  );
  try {
    const key = await s.importKey('raw', buffer(publicKey), ED25519, false, ['verify']);
    return (await s.verify(ED25519, key, buffer(signature), new ArrayBuffer(0))) ? 'ok' : 'no-ed25519';
  } catch {
    return 'no-ed25519';
  }
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}
