import { auditActor, type AuditRecorder } from '../govern/audit.service.js';
import { createHash } from 'node:crypto';
import type { LangMap } from '../archive/metadata.schema.js';
import type { WorkReader } from '../archive/work.repository.js';
import { canEditWork, canReadWork, hasRole, type Actor } from '../govern/roles.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { z } from 'zod';
import type { partySchema, settlementSchema, splitHistorySchema, splitSchema, statementSchema, trialBalanceSchema } from './license.contract.js';
import type { Executor, LicenseRepository, PartyRow, SettlementRow } from './license.repository.js';
import { buildStatement, checkSplit, type Statement, isKnownCurrency, payableAccount, paymentPostings, settlementPostings, splitPayment, statementCsv, assertBalanced, type CarveOut, type Posting, type SplitShare } from './ledger/index.js';
import { canonicalJson } from './policy/index.js';
import { money } from './terms.service.js';
import { parseJson } from './stored-json.js';

export type PartyView = z.infer<typeof partySchema>;
export type SplitView = z.infer<typeof splitSchema>;
export type StatementView = z.infer<typeof statementSchema>;
export type SettlementView = z.infer<typeof settlementSchema>;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Who is paid: parties (artist, heirs, institution, a community fund), each work's versioned royalty
 * split, the double-entry ledger that books every payment and settlement in integer minor units, and
 * the statements and settlement batches read from it.
 */
export class RoyaltyService {
  constructor(private readonly deps: { repo: LicenseRepository; works: WorkReader; now: () => Date; registerDocument: (actor: Actor, sha256: string) => Promise<string | null>; actorOf: (userId: string) => Promise<Actor | null>; audit?: AuditRecorder }) {}

  // Parties

  async createParty(actor: Actor, input: { kind: PartyView['kind']; name: LangMap; userId?: string | null; contact?: string | null }): Promise<PartyView> {
    this.requireStaffOrCreator(actor);
    const id = newId();
    // A creator may name parties (their heirs, a co-author) but only staff link a party to an account.
    const userId = hasRole(actor, ['admin', 'curator']) ? (input.userId ?? null) : null;
    if (userId && !(await this.deps.actorOf(userId))) throw CommonErrors.invalid(`there is no active account ${userId} to link the party to`, { key: 'license.party_unknown', params: { id: userId } });
    await this.deps.repo.insertParty({ id, kind: input.kind, name: JSON.stringify(input.name), user_id: userId, contact: input.contact ?? null, created_by: actor.kind === 'user' ? actor.id : null, created_at: this.deps.now().toISOString() });
    return this.partyView((await this.deps.repo.findParty(id))!);
  }

  async updateParty(actor: Actor, id: string, input: { kind: PartyView['kind']; name: LangMap; userId?: string | null; contact?: string | null }): Promise<PartyView> {
    if (!hasRole(actor, ['admin', 'curator'])) throw CommonErrors.forbidden('only admins and curators change parties', { key: 'license.edit_forbidden', params: { id } });
    if (input.userId && !(await this.deps.actorOf(input.userId))) throw CommonErrors.invalid(`there is no active account ${input.userId} to link the party to`, { key: 'license.party_unknown', params: { id: input.userId } });
    // Absent fields stay as they are: leaving out userId must not cut a party off from its statements.
    const changes = { kind: input.kind, name: JSON.stringify(input.name), ...(input.userId !== undefined ? { user_id: input.userId } : {}), ...(input.contact !== undefined ? { contact: input.contact } : {}) };
    if (!(await this.deps.repo.updateParty(id, changes))) throw CommonErrors.notFound('party', { id });
    return this.partyView((await this.deps.repo.findParty(id))!);
  }

  /** Staff see every party; others the parties linked to their own account. */
  async listParties(actor: Actor): Promise<PartyView[]> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const rows = hasRole(actor, ['admin', 'curator', 'reviewer', 'creator']) ? await this.deps.repo.listParties(5000) : await this.deps.repo.partiesOfUser(actor.id);
    return rows.map((row) => this.partyView(row));
  }

  partyView(row: PartyRow): PartyView {
    return { id: row.id, kind: row.kind as PartyView['kind'], name: parseJson<LangMap>(row.name, {}), userId: row.user_id, contact: row.contact, createdAt: row.created_at };
  }

  // Splits

  async split(actor: Actor, workId: string): Promise<z.infer<typeof splitHistorySchema>> {
    await this.requireManaged(actor, workId);
    const rows = await this.deps.repo.splitHistory(workId);
    const history = await Promise.all(rows.map((row) => this.splitView(row)));
    return { current: history[0] ?? null, history };
  }

  /** Saves a new version of a work's split; the shares must sum to exactly 10,000 basis points. */
  async setSplit(actor: Actor, workId: string, input: { shares: SplitShare[]; note?: string; version: number }): Promise<SplitView> {
    await this.requireManaged(actor, workId);
    const issues = checkSplit(input.shares);
    if (issues.length > 0) {
      const first = issues[0]!;
      throw new AppError('invalid_input', first.message, { key: 'license.split_invalid', params: { code: first.code, path: first.path.join('.'), count: issues.length }, details: issues });
    }
    for (const share of input.shares) if (!(await this.deps.repo.findParty(share.partyId))) throw CommonErrors.invalid(`party ${share.partyId} does not exist; create it first`, { key: 'license.party_unknown', params: { id: share.partyId } });
    const latest = await this.deps.repo.latestSplit(workId);
    if ((latest?.version ?? 0) !== input.version) throw CommonErrors.conflict(`the split was changed by someone else (now version ${latest?.version ?? 0}); reload it`, { key: 'license.offer_changed', params: { id: workId, expected: input.version } });
    const ok = await this.deps.repo.insertSplit({ work_id: workId, version: input.version + 1, shares: JSON.stringify(input.shares), note: input.note ?? null, created_by: actor.kind === 'user' ? actor.id : null, created_at: this.deps.now().toISOString() });
    if (!ok) throw CommonErrors.conflict('the split was changed by someone else at the same moment; reload it', { key: 'license.offer_changed', params: { id: workId, expected: input.version } });
    return (await this.split(actor, workId)).current!;
  }

  private async splitView(row: { work_id: string; version: number; shares: string; note: string | null; created_at: string }): Promise<SplitView> {
    const shares = parseJson<SplitShare[]>(row.shares, []);
    const parties = new Map((await this.deps.repo.partiesByIds(shares.map((s) => s.partyId))).map((p) => [p.id, parseJson<LangMap>(p.name, {})]));
    return { workId: row.work_id, version: row.version, shares: shares.map((s) => ({ ...s, partyName: parties.get(s.partyId) ?? {} })), note: row.note, createdAt: row.created_at };
  }

  /**
   * Books a confirmed payment inside the caller's transaction: the work's current split after the
   * carve-outs (heritage funds), largest remainder, postings that balance by construction. Refused
   * when the work has no split: money must not arrive that nobody is owed.
   */
  async bookPayment(trx: Executor, input: { orderId: string; workId: string; amount: number; currency: string; carveOuts: CarveOut[]; memo: string; at: string }): Promise<void> {
    if (input.amount === 0) return;
    const split = await this.deps.repo.latestSplit(input.workId, trx);
    if (!split) throw new AppError('invalid_reference', `work ${input.workId} has no royalty split; its right holder must set one before a payment can be booked`, { key: 'license.split_missing', params: { workId: input.workId } });
    const lines = splitPayment(input.amount, parseJson<SplitShare[]>(split.shares, []), input.carveOuts);
    const postings = paymentPostings({ amount: input.amount, currency: input.currency, shares: lines });
    await this.insertTransaction(trx, { kind: 'payment', orderId: input.orderId, workId: input.workId, currency: input.currency, memo: input.memo, at: input.at }, postings);
  }

  private async insertTransaction(trx: Executor, tx: { kind: string; orderId: string | null; workId: string | null; batchId?: string; currency: string; memo: string; at: string }, postings: Posting[]): Promise<string> {
    assertBalanced(postings);
    const id = newId();
    await this.deps.repo.insertTransaction(trx, { id, kind: tx.kind, order_id: tx.orderId, batch_id: tx.batchId ?? null, work_id: tx.workId, currency: tx.currency, memo: tx.memo, created_at: tx.at }, postings.map((p) => ({ account: p.account, party_id: p.partyId, minor: p.minor, currency: p.currency, created_at: tx.at })));
    return id;
  }

  // Statements, settlements, the trial balance

  /** A party's statement for [from, to): its own account holder and staff may read it. */
  async statement(actor: Actor, partyId: string, query: { from: string; to: string; currency: string }): Promise<StatementView> {
    const { party, statement } = await this.ledgerStatement(actor, partyId, query);
    const c = statement.currency;
    return {
      party: this.partyView(party),
      currency: c,
      from: statement.from,
      to: statement.to,
      opening: money(statement.opening, c),
      totalIn: money(statement.totalIn, c),
      totalOut: money(statement.totalOut, c),
      closing: money(statement.closing, c),
      lines: statement.lines.map((l) => ({ date: l.date, transactionId: l.transactionId, kind: l.kind, workId: l.workId, orderId: l.orderId, memo: l.memo, amount: money(l.minor, c) })),
    };
  }

  /** The statement as CSV in the reader's language (straight from the ledger's lines: no view objects). */
  async statementCsv(actor: Actor, partyId: string, query: { from: string; to: string; currency: string; lang: 'zh-Hans' | 'en' }): Promise<string> {
    return statementCsv((await this.ledgerStatement(actor, partyId, query)).statement, query.lang);
  }

  private async ledgerStatement(actor: Actor, partyId: string, query: { from: string; to: string; currency: string }): Promise<{ party: PartyRow; statement: Statement }> {
    const party = await this.deps.repo.findParty(partyId);
    if (!party) throw CommonErrors.notFound('party', { id: partyId });
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    if (!hasRole(actor, ['admin', 'curator']) && party.user_id !== actor.id) throw CommonErrors.forbidden('a statement is for its party and for admins and curators', { key: 'license.statement_forbidden', params: { id: partyId } });
    if (!isKnownCurrency(query.currency)) throw CommonErrors.invalid(`${query.currency} is not a currency this ledger books`, { key: 'license.currency_unknown', params: { currency: query.currency } });
    const from = new Date(query.from).toISOString();
    const to = new Date(query.to).toISOString();
    if (!(from < to)) throw CommonErrors.invalid(`the period ${query.from} – ${query.to} is empty`, { key: 'license.period_invalid', params: { from: query.from, to: query.to } });
    const account = payableAccount(partyId);
    const [before, postings] = await Promise.all([this.deps.repo.balanceBefore(account, query.currency, from), this.deps.repo.postingsOf(account, query.currency, from, to)]);
    const statement = buildStatement({
      partyId,
      currency: query.currency,
      from,
      to,
      opening: before === 0 ? 0 : -before,
      postings: postings.map((p) => ({ date: p.created_at, transactionId: p.transaction_id, kind: p.kind as 'payment' | 'settlement', workId: p.work_id, orderId: p.order_id, memo: p.memo, minor: p.minor })),
    });
    return { party, statement };
  }

  /** Every account's balance; the ledger balances when each currency sums to zero. */
  async trialBalance(actor: Actor): Promise<z.infer<typeof trialBalanceSchema>> {
    this.requireStaff(actor);
    const accounts = await this.deps.repo.trialBalance();
    const totals = new Map<string, number>();
    for (const a of accounts) totals.set(a.currency, (totals.get(a.currency) ?? 0) + a.minor);
    const list = [...totals].map(([currency, minor]) => ({ currency, minor }));
    return { balanced: list.every((t) => t.minor === 0), accounts, totals: list };
  }

  /**
   * Pays every party what it is owed up to a date, in one transaction: a settlement posting per party
   * and one batch document whose sha256 goes into the transparency log.
   */
  async settle(actor: Actor, input: { currency: string; periodTo: string }): Promise<SettlementView> {
    this.requireStaff(actor);
    if (!isKnownCurrency(input.currency)) throw CommonErrors.invalid(`${input.currency} is not a currency this ledger books`, { key: 'license.currency_unknown', params: { currency: input.currency } });
    const upTo = new Date(input.periodTo).toISOString();
    const at = this.deps.now().toISOString();
    const id = newId();
    const batch = await this.deps.repo.transaction(async (trx) => {
      // Payables are credits (negative): what a party is owed is the negated balance.
      const owed = (await this.deps.repo.payableBalances(input.currency, upTo, trx)).map((b) => ({ partyId: b.partyId, minor: -b.minor })).filter((b) => b.minor > 0).sort((a, b) => (a.partyId < b.partyId ? -1 : 1));
      if (owed.length === 0) throw CommonErrors.conflict(`nobody is owed anything in ${input.currency} up to ${input.periodTo}`, { key: 'license.nothing_to_settle', params: { currency: input.currency } });
      for (const line of owed) await this.insertTransaction(trx, { kind: 'settlement', orderId: null, workId: null, batchId: id, currency: input.currency, memo: `settlement ${id}`, at }, settlementPostings({ partyId: line.partyId, amount: line.minor, currency: input.currency }));
      const total = owed.reduce((s, l) => s + l.minor, 0);
      const document = canonicalJson({ type: 'wenyuan.settlement/v1', id, currency: input.currency, periodTo: upTo, createdAt: at, total, lines: owed });
      const row = { id, currency: input.currency, period_to: upTo, total_minor: total, lines: JSON.stringify(owed), document, sha256: sha256(document), registration_id: null, created_by: actor.kind === 'user' ? actor.id : null, created_at: at };
      await this.deps.repo.insertSettlement(trx, row);
      return row;
    });
    const registrationId = await this.deps.registerDocument(actor, batch.sha256).catch(() => null);
    if (registrationId) await this.deps.repo.setSettlementRegistration(id, registrationId);
    // Not awaited: the money has moved; the batch's own hash is in the transparency log.
    this.deps.audit?.note({ actor: auditActor(actor), action: 'settlement.run', target: { type: 'settlement', id }, details: { currency: input.currency, total: batch.total_minor } });
    return this.settlementView((await this.deps.repo.findSettlement(id))!);
  }

  async listSettlements(actor: Actor): Promise<SettlementView[]> {
    this.requireStaff(actor);
    return Promise.all((await this.deps.repo.listSettlements(200)).map((row) => this.settlementView(row)));
  }

  async settlementView(row: SettlementRow): Promise<SettlementView> {
    const lines = parseJson<{ partyId: string; minor: number }[]>(row.lines, []);
    const names = new Map((await this.deps.repo.partiesByIds(lines.map((l) => l.partyId))).map((p) => [p.id, parseJson<LangMap>(p.name, {})]));
    return { id: row.id, currency: row.currency, periodTo: row.period_to, total: money(Number(row.total_minor), row.currency), lines: lines.map((l) => ({ partyId: l.partyId, partyName: names.get(l.partyId) ?? {}, amount: money(l.minor, row.currency) })), sha256: row.sha256, registrationId: row.registration_id, createdAt: row.created_at };
  }

  /** The registration job: settlement batches whose hash is not in the log yet. */
  async registerPending(): Promise<void> {
    for (const row of await this.deps.repo.unregisteredSettlements(100)) {
      const actor = row.created_by ? await this.deps.actorOf(row.created_by) : null;
      if (!actor) continue;
      const id = await this.deps.registerDocument(actor, row.sha256).catch(() => null);
      if (id) await this.deps.repo.setSettlementRegistration(row.id, id);
    }
  }

  private async requireManaged(actor: Actor, workId: string): Promise<void> {
    const work = await this.deps.works.findById(workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: workId });
    if (!canEditWork(actor, work)) throw CommonErrors.forbidden('only those who manage a work see and set its royalty split', { key: 'license.edit_forbidden', params: { id: workId } });
  }

  private requireStaff(actor: Actor): void {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    if (!hasRole(actor, ['admin', 'curator'])) throw CommonErrors.forbidden('only admins and curators read and settle the ledger', { key: 'license.statement_forbidden', params: { id: 'ledger' } });
  }

  private requireStaffOrCreator(actor: Actor): void {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    if (!hasRole(actor, ['admin', 'curator', 'creator'])) throw CommonErrors.forbidden('only admins, curators and creators name parties', { key: 'license.edit_forbidden', params: { id: 'party' } });
  }
}
