/**
 * The checkpoint history: every checkpoint the log signs gets a number (1, 2, 3…) and a second note,
 * signed with the log key, that binds its number, size, root and time to its predecessor's. Whoever
 * can write the database but does not hold the log key can then neither delete a checkpoint from the
 * middle of the history (the numbers and links break), nor back-date one or the entries it sequenced
 * (the time is signed), nor slip in one of their own. Example:
 *
 *   wenyuan.registry.checkpoint-history/v1
 *   museum.example/registry
 *   seq 42
 *   size 1337
 *   root <base64 root hash>
 *   time 2026-12-06T05:00:00.000Z
 *   prev 41 1300 <base64 root hash>       ("prev none" for the first)
 *
 * The first line is not an origin and the second not a tree size, so the note can never be read as a
 * checkpoint. What stays out of reach without a witness: removing the newest checkpoints together with
 * their entries (a tail rollback) leaves a history that is whole, only shorter.
 */
import { verifyNote, type NoteSigner, type NoteVerifier, signNote } from './signed-note.js';

export const HISTORY_HEADER = 'wenyuan.registry.checkpoint-history/v1';

export interface HistoryRecord {
  origin: string;
  seq: number;
  size: number;
  /** Base64 root hash, as in the checkpoint. */
  rootHash: string;
  /** ISO 8601 time the checkpoint was signed (its entries' sequencing time). */
  time: string;
  prev: { seq: number; size: number; rootHash: string } | null;
}

export class HistoryFormatError extends Error {}

const B64_32 = /^[A-Za-z0-9+/]{43}=$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const COUNT = /^(0|[1-9][0-9]{0,15})$/;

/** The note text of a history record (checked, canonical). */
export function formatHistory(r: HistoryRecord): string {
  if (!Number.isSafeInteger(r.seq) || r.seq < 1) throw new HistoryFormatError('seq must be a whole number from 1');
  if (!Number.isSafeInteger(r.size) || r.size < 0) throw new HistoryFormatError('size must be a whole number');
  if (!B64_32.test(r.rootHash) || (r.prev && !B64_32.test(r.prev.rootHash))) throw new HistoryFormatError('root hashes must be base64 of 32 bytes');
  if (!ISO.test(r.time)) throw new HistoryFormatError('time must be an ISO 8601 UTC time');
  if (r.origin === '' || /\s/.test(r.origin)) throw new HistoryFormatError('origin must be one word');
  const prev = r.prev ? `prev ${r.prev.seq} ${r.prev.size} ${r.prev.rootHash}` : 'prev none';
  return [HISTORY_HEADER, r.origin, `seq ${r.seq}`, `size ${r.size}`, `root ${r.rootHash}`, `time ${r.time}`, prev].join('\n') + '\n';
}

/** Parses history note text strictly (it must re-format to the same text). */
export function parseHistory(text: string): HistoryRecord {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : [];
  const [header, origin, seq, size, root, time, prev] = lines;
  const num = (line: string | undefined, word: string) => {
    const m = line?.startsWith(`${word} `) ? line.slice(word.length + 1) : undefined;
    if (m === undefined || !COUNT.test(m)) throw new HistoryFormatError(`line "${word}" is missing or not a number`);
    return Number(m);
  };
  if (lines.length !== 7 || header !== HISTORY_HEADER || !origin) throw new HistoryFormatError('not a checkpoint history record');
  const prevParts = prev?.split(' ') ?? [];
  const record: HistoryRecord = {
    origin,
    seq: num(seq, 'seq'),
    size: num(size, 'size'),
    rootHash: root?.startsWith('root ') ? root.slice(5) : '',
    time: time?.startsWith('time ') ? time.slice(5) : '',
    prev: prev === 'prev none' ? null : { seq: num(`seq ${prevParts[1]}`, 'seq'), size: num(`size ${prevParts[2]}`, 'size'), rootHash: prevParts[3] ?? '' },
  };
  if (prevParts[0] !== 'prev' || formatHistory(record) !== text) throw new HistoryFormatError('checkpoint history record is not canonical');
  return record;
}

/** Signs a history record with the log's key. */
export function signHistory(record: HistoryRecord, logSigner: NoteSigner): Promise<string> {
  return signNote(formatHistory(record), [logSigner]);
}

/** Verifies a history note with the log's key and parses it. */
export async function openHistory(note: string, logVerifier: NoteVerifier): Promise<HistoryRecord> {
  const opened = await verifyNote(note, [logVerifier], { requireAny: [logVerifier.name], role: 'log' });
  return parseHistory(opened.text);
}
