import { openHistory, type HistoryRecord } from './checkpoint-history.js';
import type { CheckpointRow, EntryRow, RegistryRepository } from './registry.repository.js';
import type { Ed25519Verifier } from './signed-note.js';

/** What the history audit finds (beside the tree checks in audit.ts). */
export type HistoryProblemKind =
  | 'checkpoint-missing' | 'checkpoint-history' | 'entries-unsigned' | 'state-mismatch'
  | 'sequenced-at' | 'request-missing' | 'request-seal' | 'pending-unrequested';

export interface HistoryProblem {
  kind: HistoryProblemKind;
  index: number;
  detail: string;
}

/** Where problems go (the audit's list, which holds other kinds too). */
type ProblemSink = { push(problem: HistoryProblem): unknown };

/** An entry's sequencing time may run ahead of its signed acceptance time by clock skew between nodes, not more. */
const CLOCK_SKEW_MS = 60_000;

/**
 * The audit of what the tree alone cannot prove: that no checkpoint was deleted from the history
 * (numbers 1…n, each linked to its predecessor and signed with the log key), that no entry's
 * `sequenced_at` was moved (it must be the signed time of the checkpoint that first covers it, never
 * before the time the entry itself signs as accepted, and never decrease), and that every entry and
 * pending row goes back to a sealed registration request (rows written straight into the database
 * have none). A tail rollback — newest entries and checkpoints removed together — leaves all of this
 * intact: only a witness, or a receipt holder with a later checkpoint, sees it.
 */
export class HistoryAudit {
  /** Checkpoints by size, with the time their history signs (or their row's, before the history). */
  private readonly covering: { size: number; time: string }[] = [];
  private cursor = 0;
  private lastSequencedAt = '';
  private legacyEntries = 0;

  private constructor(
    private readonly repo: RegistryRepository,
    private readonly since: number | null,
    private readonly problems: ProblemSink,
  ) {}

  /** Checks the checkpoint history (numbers, links, signatures, times) and prepares the entry checks. */
  static async open(repo: RegistryRepository, verifier: Ed25519Verifier, checkpoints: CheckpointRow[], since: number | null, problems: ProblemSink): Promise<HistoryAudit> {
    const audit = new HistoryAudit(repo, since, problems);
    const chained: { row: CheckpointRow; record: HistoryRecord }[] = [];
    for (const row of checkpoints) {
      const size = Number(row.size);
      let time = row.created_at;
      if (row.seq === null || row.history === null) {
        // Before the history began (no marker yet) unnumbered checkpoints are expected; after, one is a forgery or an edit.
        if (since !== null) problems.push({ kind: 'checkpoint-history', index: size, detail: `checkpoint of size ${size} has no signed place in the checkpoint history (inserted, or its history removed)` });
      } else {
        try {
          const record = await openHistory(row.history, verifier);
          const wrong = [
            record.seq !== Number(row.seq) && `number ${record.seq} (the row says ${row.seq})`,
            record.size !== size && `size ${record.size}`,
            record.rootHash !== row.root_hash && 'another root',
            record.time !== row.created_at && `time ${record.time} (the row says ${row.created_at})`,
          ].filter(Boolean);
          if (wrong.length > 0) problems.push({ kind: 'checkpoint-history', index: size, detail: `checkpoint of size ${size}: its signed history record says ${wrong.join(', ')}` });
          chained.push({ row, record });
          time = record.time;
        } catch (error) {
          problems.push({ kind: 'checkpoint-history', index: size, detail: `checkpoint of size ${size}: its history record does not verify with the log key (${(error as Error).message})` });
        }
      }
      audit.covering.push({ size, time });
    }
    // Numbers must run 1, 2, 3… in size order, each record naming the one before it exactly.
    chained.sort((a, b) => a.record.seq - b.record.seq);
    let previous: HistoryRecord | null = null;
    for (const { record } of chained) {
      const expectedSeq = (previous?.seq ?? 0) + 1;
      if (record.seq > expectedSeq) {
        const missing = record.seq - expectedSeq;
        const after = previous ? `after size ${previous.size}` : 'at the start';
        problems.push({ kind: 'checkpoint-missing', index: record.size, detail: `${missing === 1 ? `checkpoint no. ${expectedSeq} is` : `checkpoints no. ${expectedSeq}–${record.seq - 1} are`} missing from the history (${after}, before size ${record.size}): deleted` });
      }
      const link = record.prev;
      if (record.seq === expectedSeq && previous && (!link || link.seq !== previous.seq || link.size !== previous.size || link.rootHash !== previous.rootHash)) {
        problems.push({ kind: 'checkpoint-history', index: record.size, detail: `checkpoint no. ${record.seq} (size ${record.size}) does not link to no. ${previous.seq} (size ${previous.size}) before it` });
      }
      if (!previous && record.seq === 1 && link) problems.push({ kind: 'checkpoint-history', index: record.size, detail: 'the first checkpoint of the history names a predecessor' });
      if (previous && record.size <= previous.size) problems.push({ kind: 'checkpoint-history', index: record.size, detail: `checkpoint no. ${record.seq} has size ${record.size}, not more than no. ${previous.seq} (${previous.size})` });
      if (previous && record.time < previous.time) problems.push({ kind: 'checkpoint-history', index: record.size, detail: `checkpoint no. ${record.seq} is signed as made before no. ${previous.seq}` });
      previous = record;
    }
    return audit;
  }

  /** Checks a batch of entries (in index order): sequencing times and sealed registration requests. */
  async checkEntries(rows: EntryRow[]): Promise<void> {
    const requests = await this.repo.requestsFor(rows.map((r) => r.registration_id));
    for (const row of rows) {
      const idx = Number(row.idx);
      while (this.cursor < this.covering.length && this.covering[this.cursor]!.size <= idx) this.cursor++;
      const covering = this.covering[this.cursor];
      if (covering && row.sequenced_at !== covering.time) {
        this.problems.push({ kind: 'sequenced-at', index: idx, detail: `entry ${idx} says it was sequenced at ${row.sequenced_at}, but the checkpoint that first covers it (size ${covering.size}) was signed at ${covering.time}` });
      }
      if (row.sequenced_at < this.lastSequencedAt) this.problems.push({ kind: 'sequenced-at', index: idx, detail: `entry ${idx} is dated ${row.sequenced_at}, before entry ${idx - 1} (${this.lastSequencedAt})` });
      this.lastSequencedAt = row.sequenced_at;
      const accepted = /^accepted (\d+)$/m.exec(row.entry)?.[1];
      if (accepted !== undefined && Date.parse(row.sequenced_at) + CLOCK_SKEW_MS < Number(accepted) * 1000) {
        this.problems.push({ kind: 'sequenced-at', index: idx, detail: `entry ${idx} is dated ${row.sequenced_at}, before the time it signs as accepted (${new Date(Number(accepted) * 1000).toISOString()})` });
      }
      if (this.since === null || idx < this.since) {
        this.legacyEntries++;
        continue;
      }
      const request = requests.get(row.registration_id);
      if (!request) {
        this.problems.push({ kind: 'request-missing', index: idx, detail: `entry ${idx} (registration ${row.registration_id}) has no registration request` });
      } else if (!this.repo.sealer.verify({ registrationId: row.registration_id, requestKey: request.request_key, generation: request.generation, entry: row.entry, workId: row.work_id, userId: row.user_id, createdAt: request.created_at }, request.seal)) {
        this.problems.push({ kind: 'request-seal', index: idx, detail: `entry ${idx} (registration ${row.registration_id}): its registration request's seal does not verify: the entry, its work or its registrant was changed in the database` });
      }
    }
  }

  /**
   * The checks after the entries: the state row and the newest checkpoint agree with the entries, and
   * every pending row goes back to a sealed request (refused rows are reported too).
   */
  async finish(entries: number): Promise<{ historySince: number | null; legacyEntries: number; pending: number; rejected: number }> {
    const newest = this.covering.at(-1);
    if (newest && entries > newest.size) this.problems.push({ kind: 'entries-unsigned', index: newest.size, detail: `entries ${newest.size}–${entries - 1} are covered by no checkpoint (the newest checkpoint was deleted?)` });
    const state = await this.repo.state();
    const latest = await this.repo.latestCheckpoint();
    if (latest && (state.size !== Number(latest.size) || state.rootHash !== latest.root_hash)) {
      this.problems.push({ kind: 'state-mismatch', index: state.size, detail: `the log's state says size ${state.size}, its newest checkpoint ${latest.size}` });
    }
    const pending = await this.repo.allPending();
    const requests = await this.repo.requestsFor(pending.map((p) => p.id));
    for (const row of pending) {
      const request = requests.get(row.id);
      const ok = request && this.repo.sealer.verify({ registrationId: row.id, requestKey: request.request_key, generation: request.generation, entry: row.entry, workId: row.work_id, userId: row.user_id, createdAt: request.created_at }, request.seal);
      // Before the history began, requests 0009 made for then-pending rows are not sealed yet.
      if (!ok && !(this.since === null && request && request.seal === null)) {
        this.problems.push({ kind: 'pending-unrequested', index: entries, detail: `pending registration ${row.id} ${request ? 'does not match its sealed registration request' : 'has no registration request'}: it was written into the database directly, and will not be sequenced` });
      }
    }
    const rejected = await this.repo.rejected();
    for (const row of rejected) {
      this.problems.push({ kind: 'pending-unrequested', index: entries, detail: `pending registration ${row.id} was refused by the sequencer at ${row.rejected_at}: ${row.reason}` });
    }
    return { historySince: this.since, legacyEntries: this.legacyEntries, pending: pending.length, rejected: rejected.length };
  }
}
