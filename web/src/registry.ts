/**
 * The registry's pure verification code, shared with the server and the `wenyuan verify` command
 * (src/registry), run here on WebCrypto: receipts are checked in the reader's own browser.
 */
import { encodeHex } from '../../src/registry/base64';
import { parseCheckpoint, type Checkpoint } from '../../src/registry/checkpoint';
import { webCryptoProvider, webCryptoSupport } from '../../src/registry/crypto-web';
import { decodeEntry, type RegistryEntry } from '../../src/registry/entry';
import { parseNote } from '../../src/registry/signed-note';
import { parseTlogProof } from '../../src/registry/tlog-proof';
import { verifyReceipt, type ReceiptCheck, type ReceiptVerification } from '../../src/registry/verify-receipt';
import type { Receipt } from './types';

export type { Checkpoint, ReceiptCheck, ReceiptVerification, RegistryEntry };
export { encodeHex, webCryptoSupport };

/** Largest work file hashed in the browser: it is read into memory whole. */
export const MAX_HASHED_FILE_BYTES = 1024 ** 3;

/** Checks a receipt file's bytes with WebCrypto; never throws. */
export function verifyReceiptInBrowser(bytes: Uint8Array, options: { pinnedLogKey?: string; fileSha256?: string }): Promise<ReceiptVerification> {
  return verifyReceipt(bytes, { crypto: webCryptoProvider, ...options });
}

/** The SHA-256 of a file in lower-case hex, computed in the browser. */
export async function sha256OfFile(file: Blob): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('WebCrypto is not available');
  return encodeHex(new Uint8Array(await subtle.digest('SHA-256', await file.arrayBuffer())));
}

/** What a certificate shows, read from a receipt (unverified: the verify page checks it). */
export interface ReceiptFacts {
  entry: RegistryEntry;
  checkpoint: Checkpoint;
  rootHashHex: string;
}

/** Decodes a receipt's entry and signed checkpoint; throws if either is malformed. */
export function receiptFacts(receipt: Receipt): ReceiptFacts {
  const entry = decodeEntry(new TextEncoder().encode(receipt.entry));
  const checkpoint = parseCheckpoint(parseNote(parseTlogProof(receipt.proof).checkpoint).text);
  return { entry, checkpoint, rootHashHex: encodeHex(checkpoint.rootHash) };
}
