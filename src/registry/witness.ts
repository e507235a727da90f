/**
 * A transparency-log witness (c2sp.org/tlog-witness): for each log it watches (configured by the
 * log's verifier key, whose name is the log's origin) it keeps the latest checkpoint it cosigned,
 * and cosigns a new one only if a consistency proof shows it extends that one — so it never
 * cosigns a fork or a rollback. `wenyuan witness` serves this over HTTP (witness-server.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeBase64, encodeBase64 } from './base64.js';
import { EMPTY_TREE_ROOT, parseCheckpoint, parseDecimal, sameBytes, type Checkpoint } from './checkpoint.js';
import { cosignCheckpoint, generateWitnessKey, parseWitnessSignerKey, type WitnessSigner } from './cosignature.js';
import { nodeCrypto } from './crypto-node.js';
import { KeyStore } from '../platform/keystore.js';
import { ProofError, verifyConsistency } from './merkle.js';
import { parseNote, parseVerifierKey, TlogError, verifyNote, type Ed25519Verifier, type Note } from './signed-note.js';

/** The most consistency proof lines a client may send (spec: at most 63). */
export const MAX_PROOF_LINES = 63;
/** Request bodies larger than this are refused (the server enforces the same limit). */
export const MAX_ADD_CHECKPOINT_BYTES = 1024 * 1024;
export const SIZE_CONTENT_TYPE = 'text/x.tlog.size';

/** What the witness remembers of one log: the latest checkpoint it cosigned. */
export interface WitnessLogState {
  size: number;
  /** base64 root hash. */
  rootHash: string;
}

/** Persists per-origin state. `write` must be durable before it resolves. */
export interface WitnessStore {
  read(origin: string): Promise<WitnessLogState | undefined>;
  write(origin: string, state: WitnessLogState): Promise<void>;
}

/** An add-checkpoint refusal: the HTTP status and body the spec prescribes. */
export class WitnessRequestError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 422,
    message: string,
    /** The exact response body (only 409 has one the spec defines: `<size>\n`). */
    readonly body: string = `${message}\n`,
    readonly contentType: string = 'text/plain; charset=utf-8',
  ) {
    super(message);
    this.name = 'WitnessRequestError';
  }
}

const bad = (message: string) => new WitnessRequestError(400, message);
const unprocessable = (message: string) => new WitnessRequestError(422, message);

export class MemoryWitnessStore implements WitnessStore {
  readonly states = new Map<string, WitnessLogState>();
  read(origin: string): Promise<WitnessLogState | undefined> {
    return Promise.resolve(this.states.get(origin));
  }
  write(origin: string, state: WitnessLogState): Promise<void> {
    this.states.set(origin, { ...state });
    return Promise.resolve();
  }
}

/** All logs' state in one JSON file, replaced atomically (temp file, fsync, rename). */
export class FileWitnessStore implements WitnessStore {
  constructor(private readonly file: string) {}

  private load(): Record<string, WitnessLogState> {
    if (!fs.existsSync(this.file)) return {};
    const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { logs?: Record<string, WitnessLogState> };
    return parsed.logs ?? {};
  }

  read(origin: string): Promise<WitnessLogState | undefined> {
    return Promise.resolve(this.load()[origin]);
  }

  write(origin: string, state: WitnessLogState): Promise<void> {
    const logs = { ...this.load(), [origin]: { size: state.size, rootHash: state.rootHash } };
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify({ logs }, null, 2) + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    return Promise.resolve();
  }
}

/** The parts of an add-checkpoint request body. */
export interface AddCheckpointRequest {
  oldSize: number;
  proof: Uint8Array[];
  /** The signed checkpoint note (everything after the empty line). */
  note: string;
}

/** Formats an add-checkpoint request body (what a log sends). */
export function formatAddCheckpoint(oldSize: number, proof: readonly Uint8Array[], signedCheckpoint: string): string {
  return `old ${oldSize}\n${proof.map((h) => `${encodeBase64(h)}\n`).join('')}\n${signedCheckpoint}`;
}

/** Parses an add-checkpoint request body strictly; throws a 400 WitnessRequestError. */
export function parseAddCheckpoint(body: Uint8Array): AddCheckpointRequest {
  if (body.length > MAX_ADD_CHECKPOINT_BYTES) throw bad(`request body is larger than ${MAX_ADD_CHECKPOINT_BYTES} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw bad('request body is not UTF-8');
  }
  const firstEnd = text.indexOf('\n');
  if (firstEnd < 0) throw bad('request body must start with an old size line');
  const oldLine = text.slice(0, firstEnd);
  const oldSize = oldLine.startsWith('old ') ? parseDecimal(oldLine.slice(4)) : undefined;
  if (oldSize === undefined) throw bad('the first line must be "old <size>" with a decimal size without leading zeros');
  const proof: Uint8Array[] = [];
  let at = firstEnd + 1;
  for (;;) {
    const end = text.indexOf('\n', at);
    if (end < 0) throw bad('request body has no empty line before the checkpoint');
    const line = text.slice(at, end);
    at = end + 1;
    if (line === '') break;
    if (proof.length === MAX_PROOF_LINES) throw bad(`more than ${MAX_PROOF_LINES} consistency proof lines`);
    const hash = decodeBase64(line);
    if (!hash || hash.length !== 32) throw bad(`consistency proof line ${proof.length + 1} is not the base64 of a 32-byte hash`);
    proof.push(hash);
  }
  return { oldSize, proof, note: text.slice(at) };
}

/** Wall clock in POSIX seconds. */
const systemClock = () => Math.floor(Date.now() / 1000);

/**
 * The witness logic. Checking the old size and recording the new checkpoint happen under one lock,
 * so concurrent requests can never roll the recorded state back (the race the spec describes).
 */
export class Witness {
  private readonly logs = new Map<string, Ed25519Verifier[]>();
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    readonly signer: WitnessSigner,
    private readonly store: WitnessStore,
    private readonly clock: () => number = systemClock,
  ) {}

  /** The witness's verifier key (`name+id+base64(0x04 ‖ key)`), which logs and verifiers pin. */
  get verifierKey(): string {
    return this.signer.verifierKey;
  }

  /** Starts watching the log whose (Ed25519) verifier key this is; its name is the log's origin. */
  async trustLog(vkey: string): Promise<string> {
    const verifier = await parseVerifierKey(vkey.trim(), nodeCrypto);
    const keys = this.logs.get(verifier.name) ?? [];
    if (!keys.some((k) => k.keyId === verifier.keyId && sameBytes(k.publicKey, verifier.publicKey))) keys.push(verifier);
    this.logs.set(verifier.name, keys);
    return verifier.name;
  }

  origins(): string[] {
    return [...this.logs.keys()];
  }

  /** The latest checkpoint cosigned for `origin`, if any. */
  state(origin: string): Promise<WitnessLogState | undefined> {
    return this.store.read(origin);
  }

  /**
   * Handles an add-checkpoint request body; returns the cosignature line(s) (the 200 body) or
   * throws a WitnessRequestError carrying the status (400, 403, 404, 409, 422) and body.
   */
  async addCheckpoint(requestBody: Uint8Array): Promise<string> {
    const request = parseAddCheckpoint(requestBody);
    let note: Note;
    let checkpoint: Checkpoint;
    try {
      note = parseNote(request.note);
      checkpoint = parseCheckpoint(note.text);
    } catch (error) {
      throw bad(`the checkpoint is malformed: ${(error as Error).message}`);
    }
    const keys = this.logs.get(checkpoint.origin);
    if (!keys) throw new WitnessRequestError(404, `unknown log origin ${checkpoint.origin}`);
    try {
      await verifyNote(request.note, keys, { requireAny: [checkpoint.origin], role: 'log' });
    } catch (error) {
      if (error instanceof TlogError && error.code === 'note_unverified') throw new WitnessRequestError(403, error.message);
      throw bad(`the checkpoint is malformed: ${(error as Error).message}`);
    }
    if (request.oldSize > checkpoint.size) throw bad(`old size ${request.oldSize} is larger than the checkpoint size ${checkpoint.size}`);
    return this.exclusive(async () => {
      const stored = (await this.store.read(checkpoint.origin)) ?? { size: 0, rootHash: encodeBase64(EMPTY_TREE_ROOT) };
      if (request.oldSize !== stored.size) {
        throw new WitnessRequestError(409, `old size ${request.oldSize} is not the latest cosigned size ${stored.size}`, `${stored.size}\n`, SIZE_CONTENT_TYPE);
      }
      if (checkpoint.size === 0 && !sameBytes(checkpoint.rootHash, EMPTY_TREE_ROOT)) throw unprocessable('a checkpoint of size 0 must carry the empty-tree root');
      if (request.oldSize === 0) {
        if (request.proof.length > 0) throw unprocessable('the consistency proof from old size 0 must be empty');
      } else {
        const storedRoot = decodeBase64(stored.rootHash);
        if (!storedRoot) throw new Error(`witness state for ${checkpoint.origin} holds a malformed root hash`);
        if (request.oldSize === checkpoint.size && !sameBytes(storedRoot, checkpoint.rootHash)) {
          throw unprocessable(`the checkpoint of size ${checkpoint.size} has a different root hash than the one cosigned before`);
        }
        try {
          verifyConsistency(request.oldSize, checkpoint.size, storedRoot, checkpoint.rootHash, request.proof);
        } catch (error) {
          if (error instanceof ProofError) throw unprocessable(`consistency proof does not verify: ${error.message}`);
          throw error;
        }
      }
      const line = await cosignCheckpoint(note.text, this.signer, Math.max(1, this.clock()));
      await this.store.write(checkpoint.origin, { size: checkpoint.size, rootHash: encodeBase64(checkpoint.rootHash) });
      return line;
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

/** A default witness name: `<host>/wenyuan-witness`. */
export function defaultWitnessName(): string {
  return `${os.hostname().replace(/[^\x21-\x7e]|\+/g, '') || 'localhost'}/wenyuan-witness`;
}

/**
 * Opens a witness whose key (`witness.key`, created on first start, mode 0600) and state
 * (`state.json`) live in `stateDir`, watching the logs with the given verifier keys.
 */
export async function openWitness(stateDir: string, logKeys: readonly string[], options: { name?: string; clock?: () => number } = {}): Promise<Witness> {
  const fresh = await generateWitnessKey(options.name ?? defaultWitnessName(), nodeCrypto);
  const stored = new KeyStore(stateDir).readOrCreate('witness.key', () => fresh.signerKey);
  const signer = await parseWitnessSignerKey(stored, nodeCrypto);
  const witness = new Witness(signer, new FileWitnessStore(path.join(stateDir, 'state.json')), options.clock);
  for (const key of logKeys) await witness.trustLog(key);
  return witness;
}
