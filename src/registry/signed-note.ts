/**
 * C2SP signed notes (c2sp.org/signed-note@v1.0.0): text, a blank line, then signature lines
 * `— <key name> base64(key ID ‖ signature)`, with Ed25519 keys (signature type 0x01) in the vkey
 * format and signer keys in the Go `golang.org/x/mod/sumdb/note` format (the spec defines none):
 *
 *     PRIVATE+KEY+<name>+<8 hex key ID>+base64(signature type ‖ 32-byte Ed25519 seed)
 *
 * Pure: cryptography comes in through a `CryptoProvider` (see crypto-node.ts) so the same code
 * verifies in the browser. Deliberate strictness beyond the spec: base64 must be canonical, hex
 * key IDs lowercase, and key names of keys we load at most 255 UTF-8 bytes.
 */
import { AppError, type ErrorOptions } from '../platform/errors.js';
import { decodeBase64, encodeBase64 } from './base64.js';
import type { RegistryErrorKey } from './registry.errors.js';

export type TlogErrorCode =
  | 'note_malformed' // 400: not a c2sp.org/signed-note, or bad signature lines
  | 'note_unverified' // 403: a known key's signature fails, or required keys / quorum are missing
  | 'key_malformed' // a vkey or signer key string is malformed (400 from users, 500 from config)
  | 'policy_invalid' // 500: verifier list or policy that can never work (ambiguous keys, quorum > keys)
  | 'checkpoint_malformed' // 400
  | 'checkpoint_wrong_origin' // 404 for a witness-like endpoint, 403 for a client
  | 'cosignature_malformed' // 400
  | 'tlog_proof_malformed' // 400
  | 'tlog_proof_invalid'; // 403: index outside the tree or the inclusion proof does not verify

/** Errors of the registry's transparency-log formats; `code` is one of TlogErrorCode. */
export class TlogError<K extends RegistryErrorKey = RegistryErrorKey> extends AppError<K> {
  declare readonly code: TlogErrorCode;
  constructor(code: TlogErrorCode, message: string, options: ErrorOptions<K>) {
    super(code, message, options);
    this.name = 'TlogError';
  }
}

/** The primitives the formats need; async so a browser can back it with WebCrypto. */
export interface CryptoProvider {
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /** The 32-byte public key of a 32-byte Ed25519 seed (RFC 8032 private key). */
  ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array>;
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  /** False (never a throw) for a malformed key or signature. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  randomBytes(length: number): Uint8Array;
}

export const SIGNATURE_TYPE_ED25519 = 0x01;
export const SIGNATURE_TYPE_COSIGNATURE_V1 = 0x04;
export const MAX_NOTE_BYTES = 1_048_576;
export const MAX_SIGNATURES = 100;
export const MAX_KEY_NAME_BYTES = 255;

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  signature: Uint8Array;
}
export interface Note {
  /** The signed text, ending in a newline, without the separating blank line. */
  text: string;
  signatures: NoteSignature[];
}

/** A key that can check signatures; witness keys implement it too, with their own message format. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** Whether `signature` (after the key ID) signs `message`, the note text as UTF-8. */
  verify(message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(message: Uint8Array): Promise<Uint8Array>;
}
export interface KeyInfo {
  readonly type: number;
  readonly publicKey: Uint8Array;
  /** The key in vkey form, to hand to verifiers. */
  readonly verifierKey: string;
}
export type Ed25519Verifier = NoteVerifier & KeyInfo;
export type Ed25519Signer = NoteSigner & KeyInfo;

const EM_DASH = '\u2014 ';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BAD_CHARACTER = /[\u0000-\u0009\u000b-\u001f]|\p{Cs}/u;

const fail = <K extends RegistryErrorKey>(code: TlogErrorCode, message: string, options: ErrorOptions<K>) => new TlogError(code, message, options);
const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** UTF-8 bytes of a well-formed string. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Decodes input as strict UTF-8 within `maxBytes`, and rejects control characters and CR. */
export function readText(input: string | Uint8Array, what: 'note' | 'note text' | 'checkpoint' | 'tlog proof', maxBytes: number, code: TlogErrorCode): string {
  const token = what.replace(' ', '_');
  let text: string;
  if (typeof input === 'string') {
    if (input.length > maxBytes || utf8(input).length > maxBytes) throw fail(code, `${what} is larger than ${maxBytes} bytes`, { key: 'tlog.too_large', params: { what: token, max: maxBytes } });
    text = input;
  } else {
    if (input.length > maxBytes) throw fail(code, `${what} is larger than ${maxBytes} bytes`, { key: 'tlog.too_large', params: { what: token, max: maxBytes } });
    try {
      text = decoder.decode(input);
    } catch {
      throw fail(code, `${what} is not valid UTF-8`, { key: 'tlog.not_utf8', params: { what: token } });
    }
  }
  const bad = BAD_CHARACTER.exec(text);
  if (bad) {
    const line = text.slice(0, bad.index).split('\n').length;
    if (bad[0] === '\r') throw fail(code, `${what} line ${line} ends in CR (U+000D): lines must end in LF alone`, { key: 'tlog.line_ends_in_cr', params: { what: token, line } });
    if (bad[0].length === 1 && bad[0] < ' ') {
      throw fail(code, `${what} line ${line} contains control character ${codePoint(bad[0])}; only newline is allowed`, {
        key: 'tlog.control_character',
        params: { what: token, line, character: codePoint(bad[0]) },
      });
    }
    throw fail(code, `${what} line ${line} is not valid Unicode (lone surrogate)`, { key: 'tlog.lone_surrogate', params: { what: token, line } });
  }
  return text;
}

/** Why `name` cannot be a key name (empty, a Unicode space, a plus, a control character), or undefined. */
export function keyNameProblem(name: string): string | undefined {
  return keyNameFault(name)?.message;
}

/** `keyNameProblem` with the reason as a token for messages in other languages. */
export function keyNameFault(name: string): { problem: 'empty' | 'space' | 'plus' | 'control'; message: string } | undefined {
  if (name === '') return { problem: 'empty', message: 'key name is empty' };
  const space = /\p{White_Space}/u.exec(name);
  if (space) return { problem: 'space', message: space[0] === ' ' ? 'key name contains a space' : `key name contains a space (${codePoint(space[0])})` };
  if (name.includes('+')) return { problem: 'plus', message: 'key name contains a plus sign (U+002B)' };
  if (BAD_CHARACTER.test(name)) return { problem: 'control', message: 'key name contains a control character or a lone surrogate' };
  return undefined;
}

/** The key ID as the 8 lowercase hex digits of vkeys. */
export const formatKeyId = (keyId: number): string => keyId.toString(16).padStart(8, '0');

/** SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4] as a big-endian uint32 (the spec's recommended key ID). */
export async function computeKeyId(name: string, type: number, publicKey: Uint8Array, crypto: CryptoProvider): Promise<number> {
  const digest = await crypto.sha256(concatBytes(utf8(`${name}\n`), Uint8Array.of(type), publicKey));
  return readUint32(digest, 0);
}

/** Joins byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const readUint32 = (bytes: Uint8Array, at: number): number =>
  ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
const uint32Bytes = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);

/** Parses a block of signature lines, each `— <name> <base64>` ending in a newline (also a witness's response body). */
export function parseSignatureLines(block: string, code: TlogErrorCode = 'note_malformed'): NoteSignature[] {
  if (block === '') throw fail(code, 'no signature lines', { key: 'tlog.no_signature_lines' });
  if (!block.endsWith('\n')) throw fail(code, 'note must end with a newline', { key: 'tlog.no_final_newline', params: { what: 'note' } });
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw fail(code, `more than ${MAX_SIGNATURES} signatures`, { key: 'tlog.too_many_signatures', params: { max: MAX_SIGNATURES } });
  return lines.map((line, i) => {
    const where = `signature line ${i + 1}`;
    const at = { line: i + 1 };
    if (line === '') throw fail(code, `${where} is empty`, { key: 'tlog.signature_line_empty', params: at });
    if (!line.startsWith(EM_DASH)) throw fail(code, `${where} must start with an em dash (U+2014) and a space`, { key: 'tlog.signature_line_no_dash', params: at });
    const rest = line.slice(EM_DASH.length);
    const space = rest.lastIndexOf(' ');
    if (space < 0) throw fail(code, `${where} has no space between the key name and the signature`, { key: 'tlog.signature_line_no_space', params: at });
    const name = rest.slice(0, space);
    const fault = keyNameFault(name);
    if (fault) throw fail(code, `${where}: ${fault.message}`, { key: 'tlog.signature_line_key_name', params: { ...at, problem: fault.problem } });
    const b64 = rest.slice(space + 1);
    if (b64 === '') throw fail(code, `${where}: signature is empty`, { key: 'tlog.signature_empty', params: at });
    const raw = decodeBase64(b64);
    if (!raw) throw fail(code, `${where}: signature is not canonical base64`, { key: 'tlog.signature_not_base64', params: at });
    if (raw.length < 5) throw fail(code, `${where}: signature is shorter than 5 bytes (a 4-byte key ID, then the signature)`, { key: 'tlog.signature_too_short', params: at });
    return { name, keyId: readUint32(raw, 0), signature: raw.slice(4) };
  });
}

/** Parses a signed note strictly (UTF-8, LF only, size and signature-count limits); verifies nothing. */
export function parseNote(input: string | Uint8Array): Note {
  const all = readText(input, 'note', MAX_NOTE_BYTES, 'note_malformed');
  const split = all.lastIndexOf('\n\n');
  if (split < 0) throw fail('note_malformed', 'note has no blank line between its text and its signatures', { key: 'tlog.note_no_blank_line' });
  const block = all.slice(split + 2);
  if (block === '') throw fail('note_malformed', 'note has no signature lines after its last blank line', { key: 'tlog.no_signature_lines' });
  return { text: all.slice(0, split + 1), signatures: parseSignatureLines(block) };
}

/** One signature line, `— <name> <base64(key ID ‖ signature)>` and its newline. */
export function formatSignatureLine(sig: NoteSignature): string {
  const fault = keyNameFault(sig.name);
  if (fault) throw fail('note_malformed', `cannot format a signature by "${sig.name}": ${fault.message}`, { key: 'tlog.format_key_name', params: { name: sig.name, problem: fault.problem } });
  if (!Number.isInteger(sig.keyId) || sig.keyId < 0 || sig.keyId > 0xffffffff) {
    throw fail('note_malformed', `key ID of ${sig.name} must be a 32-bit unsigned integer`, { key: 'tlog.format_key_id', params: { name: sig.name } });
  }
  if (sig.signature.length === 0) throw fail('note_malformed', `signature by ${sig.name} is empty`, { key: 'tlog.format_signature_empty', params: { name: sig.name } });
  return `${EM_DASH}${sig.name} ${encodeBase64(concatBytes(uint32Bytes(sig.keyId), sig.signature))}\n`;
}

function checkNoteText(text: string): void {
  readText(text, 'note text', MAX_NOTE_BYTES, 'note_malformed');
  if (!text.endsWith('\n')) throw fail('note_malformed', 'note text must end with a newline', { key: 'tlog.no_final_newline', params: { what: 'note_text' } });
}

/** Formats a note; the inverse of parseNote. */
export function formatNote(note: Note): string {
  checkNoteText(note.text);
  if (note.signatures.length === 0) throw fail('note_malformed', 'a note needs at least one signature', { key: 'tlog.no_signature_lines' });
  if (note.signatures.length > MAX_SIGNATURES) throw fail('note_malformed', `more than ${MAX_SIGNATURES} signatures`, { key: 'tlog.too_many_signatures', params: { max: MAX_SIGNATURES } });
  const out = `${note.text}\n${note.signatures.map(formatSignatureLine).join('')}`;
  if (utf8(out).length > MAX_NOTE_BYTES) throw fail('note_malformed', `note is larger than ${MAX_NOTE_BYTES} bytes`, { key: 'tlog.too_large', params: { what: 'note', max: MAX_NOTE_BYTES } });
  return out;
}

/** Signs `text` (which must end in a newline) with each signer, in order, and formats the note. */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  checkNoteText(text);
  const message = utf8(text);
  const signatures: NoteSignature[] = [];
  for (const s of signers) signatures.push({ name: s.name, keyId: s.keyId, signature: await s.sign(message) });
  return formatNote({ text, signatures });
}

export interface VerifyOptions {
  /** Key names that must each have a verified signature (any key of that name counts). */
  requireAll?: readonly string[];
  /** How many distinct key names must have verified signatures: 1 (the default) to the number of names. */
  quorum?: number;
  /** Key names of which at least one must have a verified signature (a log's keys during rotation). */
  requireAny?: readonly string[];
  /** What the required keys are, for messages: "log" gives `no signature from log key example.com/log`. */
  role?: string;
}
export interface VerifiedNote extends Note {
  /** Signatures by known keys; every one of them verified. */
  verified: NoteSignature[];
  /** Signatures by keys not in the verifier list, ignored as the spec requires. */
  unknown: NoteSignature[];
  /** Distinct names of the keys whose signatures verified. */
  verifiedNames: string[];
}

/**
 * Opens a note: every signature whose name and key ID match a verifier must verify (else the whole
 * note is rejected), unknown ones are ignored, and the required names and quorum must be met.
 */
export async function verifyNote(
  input: string | Uint8Array, verifiers: readonly NoteVerifier[], options: VerifyOptions = {},
): Promise<VerifiedNote> {
  const byKey = verifierIndex(verifiers);
  const names = new Set(verifiers.map((v) => v.name));
  const quorum = options.quorum ?? 1;
  if (names.size === 0) throw fail('policy_invalid', 'no verifier keys given', { key: 'tlog.no_verifier_keys' });
  if (!Number.isInteger(quorum) || quorum < 1 || quorum > names.size) {
    throw fail('policy_invalid', `quorum ${quorum} must be a whole number from 1 to the ${names.size} key names given`, { key: 'tlog.quorum_invalid', params: { quorum, count: names.size } });
  }
  for (const name of [...(options.requireAll ?? []), ...(options.requireAny ?? [])]) {
    if (!names.has(name)) throw fail('policy_invalid', `required key ${name} is not among the verifier keys`, { key: 'tlog.required_key_unknown', params: { name } });
  }
  const note = parseNote(input);
  const message = utf8(note.text);
  const verified: NoteSignature[] = [];
  const unknown: NoteSignature[] = [];
  for (const sig of note.signatures) {
    const v = byKey.get(`${sig.name}+${formatKeyId(sig.keyId)}`);
    if (!v) {
      unknown.push(sig);
      continue;
    }
    if (!(await v.verify(message, sig.signature))) throw fail('note_unverified', `signature by ${sig.name} does not verify`, { key: 'tlog.signature_invalid', params: { name: sig.name } });
    verified.push(sig);
  }
  const verifiedNames = [...new Set(verified.map((s) => s.name))];
  const role = options.role ? `${options.role} ` : '';
  const roleToken = options.role ?? 'any';
  const any = options.requireAny;
  if (any && any.length > 0 && !any.some((n) => verifiedNames.includes(n))) {
    const wanted = [...new Set(any)];
    throw fail('note_unverified', `no signature from ${role}key ${wanted.join(' or ')}`, { key: 'tlog.no_signature_from', params: { role: roleToken, names: wanted.join(', ') } });
  }
  for (const name of options.requireAll ?? []) {
    if (!verifiedNames.includes(name)) throw fail('note_unverified', `no signature from ${role}key ${name}`, { key: 'tlog.no_signature_from', params: { role: roleToken, names: name } });
  }
  if (verifiedNames.length < quorum) {
    if (quorum === 1) throw fail('note_unverified', `no signature from a known key (known: ${[...names].join(', ')})`, { key: 'tlog.no_known_signature', params: { known: [...names].join(', ') } });
    const missing = [...names].filter((n) => !verifiedNames.includes(n));
    throw fail('note_unverified',
      `signatures from ${verifiedNames.length} of the required ${quorum} keys verified (missing: ${missing.join(', ')})`,
      { key: 'tlog.quorum_not_met', params: { verified: verifiedNames.length, quorum, missing: missing.join(', ') } });
  }
  return { ...note, verified, unknown, verifiedNames };
}

function verifierIndex(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier> {
  const map = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const id = `${v.name}+${formatKeyId(v.keyId)}`;
    if (map.has(id)) throw fail('policy_invalid', `two verifier keys share the name and key ID ${id}`, { key: 'tlog.duplicate_verifier', params: { id } });
    map.set(id, v);
  }
  return map;
}

export interface DecodedKey {
  name: string;
  keyId: number;
  type: number;
  /** Public key (vkey) or private seed (signer key) bytes, after the type byte. */
  key: Uint8Array;
}

function decodeKeyParts(parts: string[], what: 'verifier key' | 'signer key'): DecodedKey {
  const [name = '', hex = '', b64 = ''] = parts;
  const kind = kindOf(what);
  const fault = keyNameFault(name);
  if (fault) throw fail('key_malformed', `${what}: ${fault.message}`, { key: 'tlog.key_name', params: { kind, problem: fault.problem } });
  if (utf8(name).length > MAX_KEY_NAME_BYTES) {
    throw fail('key_malformed', `${what}: key name is longer than ${MAX_KEY_NAME_BYTES} bytes`, { key: 'tlog.key_name_too_long', params: { kind, max: MAX_KEY_NAME_BYTES } });
  }
  if (!/^[0-9a-f]{8}$/.test(hex)) throw fail('key_malformed', `${what} for ${name}: key ID must be 8 lowercase hex digits`, { key: 'tlog.key_id_format', params: { kind, name } });
  const raw = decodeBase64(b64);
  if (!raw || raw.length < 2) throw fail('key_malformed', `${what} for ${name}: key must be canonical base64 of a type byte and key bytes`, { key: 'tlog.key_base64', params: { kind, name } });
  return { name, keyId: parseInt(hex, 16), type: raw[0]!, key: raw.slice(1) };
}

/** Splits `<name>+<hex key ID>+<base64(type ‖ public key)>` without checking the key ID. */
export function decodeVerifierKey(vkey: string): DecodedKey {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw fail('key_malformed', 'verifier key must look like <name>+<8 hex key ID>+<base64 key>', { key: 'tlog.verifier_key_format' });
  return decodeKeyParts([vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)], 'verifier key');
}

/** Splits `PRIVATE+KEY+<name>+<hex key ID>+<base64(type ‖ seed)>`; messages never echo the secret. */
export function decodeSignerKey(skey: string): DecodedKey {
  if (!skey.startsWith('PRIVATE+KEY+')) throw fail('key_malformed', 'signer key must start with PRIVATE+KEY+', { key: 'tlog.signer_key_prefix' });
  const rest = skey.slice('PRIVATE+KEY+'.length);
  const first = rest.indexOf('+');
  const second = rest.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw fail('key_malformed', 'signer key must look like PRIVATE+KEY+<name>+<8 hex key ID>+<base64 key>', { key: 'tlog.signer_key_format' });
  return decodeKeyParts([rest.slice(0, first), rest.slice(first + 1, second), rest.slice(second + 1)], 'signer key');
}

/** `<name>+<hex key ID>+<base64(type ‖ public key)>`. */
export const formatVerifierKey = (name: string, keyId: number, type: number, publicKey: Uint8Array): string =>
  `${name}+${formatKeyId(keyId)}+${encodeBase64(concatBytes(Uint8Array.of(type), publicKey))}`;

const TYPE_NAMES: Record<number, string> = { 1: 'an Ed25519 note key', 4: 'a tlog-cosignature/v1 witness key' };
const typeHex = (type: number) => `0x${type.toString(16).padStart(2, '0')}`;
const typeLabel = (type: number) => `${typeHex(type)}${TYPE_NAMES[type] ? ` (${TYPE_NAMES[type]})` : ''}`;
/** The `kind` parameter of key messages. */
const kindOf = (what: 'verifier key' | 'signer key'): 'verifier' | 'signer' => (what === 'signer key' ? 'signer' : 'verifier');

/** Checks a decoded key is an Ed25519 key of `type` whose key ID matches; returns its public key. */
export async function checkEd25519Key(
  key: DecodedKey, type: number, what: 'verifier key' | 'signer key', crypto: CryptoProvider,
): Promise<Uint8Array> {
  const kind = kindOf(what);
  if (key.type !== type) {
    throw fail('key_malformed', `${what} for ${key.name} has signature type ${typeLabel(key.type)}, expected ${typeLabel(type)}`, {
      key: 'tlog.key_type',
      params: { kind, name: key.name, type: typeHex(key.type), expected: typeHex(type) },
    });
  }
  if (key.key.length !== 32) throw fail('key_malformed', `${what} for ${key.name} must hold 32 key bytes, not ${key.key.length}`, { key: 'tlog.key_length', params: { kind, name: key.name, length: key.key.length } });
  const publicKey = what === 'signer key' ? await crypto.ed25519PublicKey(key.key) : key.key;
  const expected = await computeKeyId(key.name, type, publicKey, crypto);
  if (expected !== key.keyId) {
    throw fail('key_malformed', `${what} ID ${formatKeyId(key.keyId)} for ${key.name} does not match its key (expected ${formatKeyId(expected)})`, {
      key: 'tlog.key_id_mismatch',
      params: { kind, name: key.name, keyId: formatKeyId(key.keyId), expected: formatKeyId(expected) },
    });
  }
  return publicKey;
}

/** A note verifier for a raw 32-byte Ed25519 public key (signature type 0x01). */
export async function ed25519Verifier(name: string, publicKey: Uint8Array, crypto: CryptoProvider): Promise<Ed25519Verifier> {
  const fault = keyNameFault(name);
  if (fault) throw fail('key_malformed', `verifier key: ${fault.message}`, { key: 'tlog.key_name', params: { kind: 'verifier', problem: fault.problem } });
  if (publicKey.length !== 32) {
    throw fail('key_malformed', `Ed25519 public key for ${name} must be 32 bytes, not ${publicKey.length}`, { key: 'tlog.public_key_length', params: { kind: 'verifier', name, length: publicKey.length } });
  }
  const keyId = await computeKeyId(name, SIGNATURE_TYPE_ED25519, publicKey, crypto);
  return {
    name, keyId, type: SIGNATURE_TYPE_ED25519, publicKey: publicKey.slice(),
    verifierKey: formatVerifierKey(name, keyId, SIGNATURE_TYPE_ED25519, publicKey),
    verify: (message, signature) => signature.length === 64 ? crypto.ed25519Verify(publicKey, message, signature) : Promise.resolve(false),
  };
}

/** Reads an Ed25519 (type 0x01) vkey, checking its key ID. */
export async function parseVerifierKey(vkey: string, crypto: CryptoProvider): Promise<Ed25519Verifier> {
  const key = decodeVerifierKey(vkey);
  const publicKey = await checkEd25519Key(key, SIGNATURE_TYPE_ED25519, 'verifier key', crypto);
  return ed25519Verifier(key.name, publicKey, crypto);
}

/** Reads an Ed25519 (type 0x01) signer key, checking its key ID against the derived public key. */
export async function parseSignerKey(skey: string, crypto: CryptoProvider): Promise<Ed25519Signer> {
  const key = decodeSignerKey(skey);
  const publicKey = await checkEd25519Key(key, SIGNATURE_TYPE_ED25519, 'signer key', crypto);
  const seed = key.key;
  return {
    name: key.name, keyId: key.keyId, type: SIGNATURE_TYPE_ED25519, publicKey,
    verifierKey: formatVerifierKey(key.name, key.keyId, SIGNATURE_TYPE_ED25519, publicKey),
    sign: (message) => crypto.ed25519Sign(seed, message),
  };
}

/** Makes a new key pair as strings (type 0x01 note key unless `type` says 0x04, a witness key). */
export async function generateKey(
  name: string, crypto: CryptoProvider, options: { type?: number; seed?: Uint8Array } = {},
): Promise<{ signerKey: string; verifierKey: string }> {
  const type = options.type ?? SIGNATURE_TYPE_ED25519;
  if (type !== SIGNATURE_TYPE_ED25519 && type !== SIGNATURE_TYPE_COSIGNATURE_V1) {
    throw fail('key_malformed', `cannot generate keys of signature type ${typeLabel(type)}`, { key: 'tlog.generate_type', params: { type: typeHex(type) } });
  }
  const fault = keyNameFault(name);
  if (fault) throw fail('key_malformed', `cannot generate a key: ${fault.message}`, { key: 'tlog.key_name', params: { kind: 'new', problem: fault.problem } });
  if (utf8(name).length > MAX_KEY_NAME_BYTES) {
    throw fail('key_malformed', `key name is longer than ${MAX_KEY_NAME_BYTES} bytes`, { key: 'tlog.key_name_too_long', params: { kind: 'new', max: MAX_KEY_NAME_BYTES } });
  }
  const seed = options.seed ?? crypto.randomBytes(32);
  if (seed.length !== 32) throw fail('key_malformed', 'Ed25519 seed must be 32 bytes', { key: 'tlog.seed_length' });
  const publicKey = await crypto.ed25519PublicKey(seed);
  const keyId = await computeKeyId(name, type, publicKey, crypto);
  return {
    signerKey: `PRIVATE+KEY+${name}+${formatKeyId(keyId)}+${encodeBase64(concatBytes(Uint8Array.of(type), seed))}`,
    verifierKey: formatVerifierKey(name, keyId, type, publicKey),
  };
}
