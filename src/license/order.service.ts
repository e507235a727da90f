import { auditActor, type AuditRecorder } from '../govern/audit.service.js';
import { createHash } from 'node:crypto';
import type { LangMap } from '../archive/metadata.schema.js';
import type { WorkReader, WorkRow } from '../archive/work.repository.js';
import { canEditWork, canReadWork, hasRole, type Actor } from '../govern/roles.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { z } from 'zod';
import type { grantPublicStatusSchema, grantSchema, orderSchema } from './license.contract.js';
import type { GrantRow, LicenseRepository, OrderRow } from './license.repository.js';
import { formatMinor, isKnownCurrency, MoneyError, toMinor } from './ledger/index.js';
import { BANK_TRANSFER, type ConfirmedPayment, type PaymentProvider } from './payment-port.js';
import { canonicalJson, parsePolicy, policyToJsonLd, priceOf, shareDuties, type Decision, type Policy } from './policy/index.js';
import type { RoyaltyService } from './royalty.service.js';
import { decideUnder } from './decide-under.js';
import { money, userIri, workIri, type TermsService, type UseRequestInput } from './terms.service.js';
import { parseJson } from './stored-json.js';

export type OrderView = z.infer<typeof orderSchema>;
export type GrantView = z.infer<typeof grantSchema>;
export type GrantStatusView = z.infer<typeof grantPublicStatusSchema>;
export type GrantState = GrantView['state'];

/** A watermarked copy of a work's image made for a grant (protect's marker, wired in by the module). */
export type GrantCopyMaker = (input: { workId: string; licensee: string; licenseeUserId: string; reference: string; issuedBy: string }) => Promise<{ serial: number; data: Buffer; mediaType: string; fileName: string }>;

interface StoredDecision {
  decision: Decision;
  carveOuts: { partyId: string; basisPoints: number; role?: string }[];
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const titleOf = (metadata: string | undefined): LangMap => parseJson<{ title?: LangMap }>(metadata ?? null, {}).title ?? {};
const partyIdOf = (uid: string | undefined) => (uid?.startsWith('urn:wenyuan:party:') ? uid.slice('urn:wenyuan:party:'.length) : null);

/** A grant's state at a time: revoked wins, then its dates. */
export function grantState(row: Pick<GrantRow, 'status' | 'valid_from' | 'valid_until'>, now: Date): GrantState {
  if (row.status === 'revoked') return 'revoked';
  const day = now.toISOString().slice(0, 10);
  if (row.valid_from.slice(0, 10) > day) return 'not-yet-valid';
  if (row.valid_until && row.valid_until.slice(0, 10) < day) return 'expired';
  return 'valid';
}

/**
 * Orders → grants: a licensee asks for a use under an offer, the engine prices it, the right holder
 * (or a curator) approves, payment is confirmed through the payment port, and the grant — an ODRL
 * Agreement naming the licensee — is booked, hashed into the transparency log and backs a watermarked
 * copy. Every step is one conditional update, so a double approval or a second payment changes nothing.
 */
export class OrderService {
  constructor(
    private readonly deps: {
      repo: LicenseRepository;
      /** Govern's audit trail (revocations are recorded there). */
      audit?: AuditRecorder;
      works: WorkReader;
      terms: TermsService;
      royalties: RoyaltyService;
      now: () => Date;
      userName: (id: string) => Promise<string>;
      registerDocument: (actor: Actor, sha256: string) => Promise<string | null>;
      /** A registration's receipt once sequenced, else null. */
      receiptOf: (registrationId: string) => Promise<unknown | null>;
      actorOf: (userId: string) => Promise<Actor | null>;
      makeCopy: GrantCopyMaker;
      /** Wakes the job that puts grants and revocations into the log when the first attempt could not. */
      scheduleRegistration: () => Promise<void>;
    },
  ) {}

  // Orders

  /** A licensee's order for a use under an offer: checked and priced by the engine; reserves limited copies. */
  async createOrder(actor: Actor, input: { workId: string; offerId: string; request: UseRequestInput; licenseeName?: string }): Promise<OrderView> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const work = await this.deps.works.findById(input.workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: input.workId });
    if (work.visibility !== 'public') throw new AppError('invalid_reference', `work ${work.id} is not public; only public works are licensed`, { key: 'license.work_not_public', params: { id: work.id } });
    // A right holder needs no licence of their own work (and nobody else could approve one).
    if (work.owner_id === actor.id) throw new AppError('invalid_reference', `work ${work.id} is yours: its terms are yours to set, not to buy`, { key: 'license.own_order', params: { id: work.id } });
    const policies = await this.deps.terms.policiesOf(work);
    const offer = policies.offers.find((o) => o.row.id === input.offerId);
    if (!offer) {
      const row = await this.deps.repo.findPolicy(input.offerId);
      if (row?.kind === 'offer' && row.status !== 'active') throw CommonErrors.conflict('this offer was withdrawn', { key: 'license.offer_withdrawn', params: { id: input.offerId } });
      if (row?.kind === 'offer') throw CommonErrors.invalid(`offer ${input.offerId} is not an offer for work ${work.id}`, { key: 'license.offer_not_for_work', params: { id: input.offerId, workId: work.id } });
      throw CommonErrors.notFound('offer', { id: input.offerId });
    }
    const licensee = userIri(actor.id);
    const request = this.deps.terms.useRequest(input.request, licensee);
    const heritage = this.deps.terms.heritageRules(policies);
    const until = input.request.until?.slice(0, 10);
    if (until && until < request.date.slice(0, 10)) throw CommonErrors.invalid(`the licence would end (${until}) before it starts (${request.date.slice(0, 10)})`, { key: 'license.period_invalid', params: { from: request.date.slice(0, 10), to: until } });
    const decision = decideUnder(request, offer.policy, heritage);
    // The whole term asked for must be allowed: an offer that ends in March does not license a use until June.
    const atEnd = until && decision.outcome !== 'deny' ? decideUnder({ ...request, date: until }, offer.policy, heritage) : null;
    const refusal = decision.outcome === 'deny' ? decision : atEnd?.outcome === 'deny' ? atEnd : null;
    if (refusal) throw new AppError('invalid_reference', `the offer does not allow this use: ${refusal.reason.code}`, { key: 'license.use_denied', params: { reason: refusal.reason.code }, details: await this.deps.terms.decisionView(refusal) });
    const price = priceOf(decision);
    const currency = price?.currency ?? 'CNY';
    if (!isKnownCurrency(currency)) throw CommonErrors.invalid(`${currency} is not a currency this ledger books`, { key: 'license.currency_unknown', params: { currency } });
    const copies = input.request.count ?? 1;
    const carveOuts = shareDuties(decision).flatMap((s) => {
      const partyId = partyIdOf(s.party.uid);
      return partyId ? [{ partyId, basisPoints: s.basisPoints, role: 'heritage' }] : [];
    });
    const now = this.deps.now().toISOString();
    const id = newId();
    const autoApprove = offer.row.auto_approve === 1;
    const licenseeName = input.licenseeName?.trim() || (await this.deps.userName(actor.id));
    await this.deps.repo.transaction(async (trx) => {
      // The last copies of a limited edition: one conditional update decides who gets them.
      if (offer.row.edition_size !== null && !(await this.deps.repo.reserveEdition(trx, offer.row.id, copies))) {
        const fresh = await this.deps.repo.findPolicy(offer.row.id, trx);
        throw CommonErrors.conflict(`only ${Math.max(0, (fresh?.edition_size ?? 0) - (fresh?.edition_used ?? 0))} copies of this edition are left`, {
          key: 'license.edition_sold_out',
          params: { id: offer.row.id, remaining: Math.max(0, (fresh?.edition_size ?? 0) - (fresh?.edition_used ?? 0)), requested: copies },
        });
      }
      await this.deps.repo.insertOrder(trx, {
        id,
        work_id: work.id,
        offer_id: offer.row.id,
        licensee_id: actor.id,
        licensee_name: licenseeName,
        request: JSON.stringify({ ...input.request, date: request.date }),
        decision: JSON.stringify({ decision, carveOuts } satisfies StoredDecision),
        price_minor: price?.minor ?? 0,
        currency,
        copies,
        status: autoApprove ? 'approved' : 'requested',
        invoice_number: autoApprove ? invoiceNumber(id, now) : null,
        decided_by: null,
        decided_at: autoApprove ? now : null,
        note: null,
        version: 1,
        created_at: now,
        updated_at: now,
      });
    });
    // Free and auto-approved: nothing to pay, the grant follows at once.
    if (autoApprove && (price?.minor ?? 0) === 0) await this.grantFree(actor, id);
    return this.getOrder(actor, id);
  }

  async getOrder(actor: Actor, id: string): Promise<OrderView> {
    const { order, work } = await this.visibleOrder(actor, id);
    return this.orderView(actor, order, work);
  }

  /** Orders the reader placed, and those on works they manage (every order for admins and curators). */
  async listOrders(actor: Actor, filter: { status?: string; role?: 'licensee' | 'right-holder' }): Promise<OrderView[]> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const staff = hasRole(actor, ['admin', 'curator']);
    const owned = filter.role === 'licensee' || staff ? [] : await this.deps.works.workIdsOwnedBy(actor.id);
    const rows = await this.deps.repo.listOrders({
      ...(filter.role !== 'right-holder' ? { licenseeId: actor.id } : {}),
      workIds: owned,
      all: staff && filter.role !== 'licensee',
      ...(filter.status ? { status: filter.status } : {}),
    }, 500);
    const out = [];
    for (const row of rows) {
      const work = await this.deps.works.findById(row.work_id);
      if (work) out.push(await this.orderView(actor, row, work));
    }
    return out;
  }

  /** The right holder or a curator approves: the invoice is issued (or, for a free use, the grant made). */
  async approve(actor: Actor, id: string, note?: string): Promise<OrderView> {
    const { order, work } = await this.decidable(actor, id);
    const now = this.deps.now().toISOString();
    const moved = await this.deps.repo.moveOrder(this.deps.repo.db, id, ['requested'], { status: 'approved', invoice_number: invoiceNumber(id, now), decided_by: actor.kind === 'user' ? actor.id : null, decided_at: now, note: note ?? null, updated_at: now });
    if (!moved) throw this.stateError(await this.deps.repo.findOrder(id), ['requested']);
    if (Number(order.price_minor) === 0) await this.grantFree(actor, id);
    return this.orderView(actor, (await this.deps.repo.findOrder(id))!, work);
  }

  async reject(actor: Actor, id: string, note?: string): Promise<OrderView> {
    const { order, work } = await this.decidable(actor, id);
    const now = this.deps.now().toISOString();
    await this.deps.repo.transaction(async (trx) => {
      if (!(await this.deps.repo.moveOrder(trx, id, ['requested', 'approved'], { status: 'rejected', decided_by: actor.kind === 'user' ? actor.id : null, decided_at: now, note: note ?? null, updated_at: now }))) throw this.stateError(await this.deps.repo.findOrder(id, trx), ['requested', 'approved']);
      await this.deps.repo.releaseEdition(trx, order.offer_id, order.copies);
    });
    return this.orderView(actor, (await this.deps.repo.findOrder(id))!, work);
  }

  /** The licensee withdraws an order not yet paid. */
  async cancel(actor: Actor, id: string): Promise<OrderView> {
    const { order, work } = await this.visibleOrder(actor, id);
    if (actor.kind !== 'user' || order.licensee_id !== actor.id) throw CommonErrors.forbidden('only the licensee who placed an order cancels it', { key: 'license.edit_forbidden', params: { id } });
    const now = this.deps.now().toISOString();
    await this.deps.repo.transaction(async (trx) => {
      if (!(await this.deps.repo.moveOrder(trx, id, ['requested', 'approved'], { status: 'cancelled', updated_at: now }))) throw this.stateError(await this.deps.repo.findOrder(id, trx), ['requested', 'approved']);
      await this.deps.repo.releaseEdition(trx, order.offer_id, order.copies);
    });
    return this.orderView(actor, (await this.deps.repo.findOrder(id))!, work);
  }

  /**
   * The built-in payment provider's confirmation (`payment-port.ts`): someone who manages the work
   * confirms that the invoice was paid by bank transfer, as county centres work today.
   */
  async confirmPayment(actor: Actor, id: string, input: { amount: string; currency: string; reference?: string }): Promise<OrderView> {
    const { work } = await this.decidable(actor, id);
    if (!isKnownCurrency(input.currency)) throw CommonErrors.invalid(`${input.currency} is not a currency this ledger books`, { key: 'license.currency_unknown', params: { currency: input.currency } });
    let amount: number;
    try {
      amount = toMinor(input.amount, input.currency);
    } catch (error) {
      if (error instanceof MoneyError) throw CommonErrors.invalid(error.message, { key: 'license.amount_invalid', params: { amount: input.amount, currency: input.currency, reason: error.code } });
      throw error;
    }
    await this.recordPayment(actor, BANK_TRANSFER, id, { amount, currency: input.currency, reference: input.reference ?? null });
    return this.orderView(actor, (await this.deps.repo.findOrder(id))!, work);
  }

  /**
   * Books a payment reported by a provider (or confirmed by a person): the order must be approved and
   * the amount and currency those of the invoice. One transaction writes the payment (unique per
   * order: a second report changes nothing), the ledger and the grant; the grant then goes to the log.
   */
  async recordPayment(actor: Actor, provider: PaymentProvider, id: string, payment: ConfirmedPayment): Promise<void> {
    const order = await this.deps.repo.findOrder(id);
    const work = order ? await this.deps.works.findById(order.work_id) : undefined;
    if (!order || !work) throw CommonErrors.notFound('order', { id });
    if (payment.currency !== order.currency) throw CommonErrors.invalid(`the invoice is in ${order.currency}; there is no exchange rate for ${payment.currency}`, { key: 'license.currency_no_rate', params: { currency: payment.currency, offerCurrency: order.currency } });
    const price = Number(order.price_minor);
    if (payment.amount !== price) {
      const paid = formatMinor(payment.amount, payment.currency);
      throw CommonErrors.invalid(`the invoice asks ${money(price, order.currency).display} ${order.currency}, not ${paid}`, { key: 'license.amount_mismatch', params: { amount: paid, expected: money(price, order.currency).display, currency: order.currency } });
    }
    if (order.status === 'granted' || (await this.deps.repo.paymentOf(id))) throw CommonErrors.conflict(`invoice ${order.invoice_number ?? id} is already paid`, { key: 'license.already_paid', params: { id } });
    const grantId = await this.grant(actor, order, work, { provider: provider.id, reference: payment.reference, amount: payment.amount });
    await this.register(grantId);
  }

  private async grantFree(actor: Actor, orderId: string): Promise<void> {
    const order = (await this.deps.repo.findOrder(orderId))!;
    const work = (await this.deps.works.findById(order.work_id))!;
    const grantId = await this.grant(actor, order, work, null);
    await this.register(grantId);
  }

  /** The grant, in one transaction with the payment and its postings. Returns the grant's id. */
  private async grant(actor: Actor, order: OrderRow, work: WorkRow, payment: { provider: string; reference: string | null; amount: number } | null): Promise<string> {
    const now = this.deps.now().toISOString();
    const offerRow = await this.deps.repo.findPolicy(order.offer_id);
    const offer = offerRow ? parsePolicy(parseJson<unknown>(offerRow.odrl, null)) : null;
    const stored = parseJson<StoredDecision>(order.decision, { decision: { outcome: 'deny', duties: [], rule: null, reason: { code: 'not_permitted', params: {} }, trace: [] }, carveOuts: [] });
    const request = parseJson<UseRequestInput>(order.request, { action: 'use', purpose: [] });
    const grantId = newId();
    const heritage = this.deps.terms.heritageRules(await this.deps.terms.policiesOf(work));
    const agreement = buildAgreement({ grantId, order, work, request, offer: offer?.ok ? offer.policy : null, decision: stored.decision, heritage, issuedAt: now });
    const text = canonicalJson(agreement);
    const validFrom = (request.date ?? now).slice(0, 10);
    await this.deps.repo.transaction(async (trx) => {
      if (!(await this.deps.repo.moveOrder(trx, order.id, ['approved'], { status: 'granted', updated_at: now }))) throw this.stateError(await this.deps.repo.findOrder(order.id, trx), ['approved']);
      if (payment) {
        await this.deps.repo.insertPayment(trx, { id: newId(), order_id: order.id, provider: payment.provider, reference: payment.reference, amount_minor: payment.amount, currency: order.currency, confirmed_by: actor.kind === 'user' ? actor.id : null, confirmed_at: now });
        await this.deps.royalties.bookPayment(trx, { orderId: order.id, workId: work.id, amount: payment.amount, currency: order.currency, carveOuts: stored.carveOuts, memo: `${order.invoice_number ?? order.id}`, at: now });
      }
      await this.deps.repo.insertGrant(trx, {
        id: grantId,
        order_id: order.id,
        work_id: work.id,
        licensee_id: order.licensee_id,
        licensee_name: order.licensee_name,
        agreement: text,
        agreement_sha256: sha256(text),
        registration_id: null,
        valid_from: validFrom,
        valid_until: request.until ? request.until.slice(0, 10) : null,
        status: 'active',
        revoked_at: null,
        revoked_by: null,
        revoke_reason: null,
        revocation: null,
        revocation_sha256: null,
        revocation_registration_id: null,
        created_at: now,
      });
    }).catch(async (error: unknown) => {
      // A concurrent confirmation won: say so plainly instead of a constraint error.
      if (payment && (await this.deps.repo.paymentOf(order.id))) throw CommonErrors.conflict(`invoice ${order.invoice_number ?? order.id} is already paid`, { key: 'license.already_paid', params: { id: order.id } });
      throw error;
    });
    return grantId;
  }

  // Grants

  async getGrant(actor: Actor, id: string): Promise<GrantView> {
    const { grant, work } = await this.visibleGrant(actor, id);
    return this.grantView(actor, grant, work);
  }

  async listGrants(actor: Actor, filter: { workId?: string }): Promise<GrantView[]> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const staff = hasRole(actor, ['admin', 'curator']);
    const owned = staff ? [] : await this.deps.works.workIdsOwnedBy(actor.id);
    const rows = await this.deps.repo.listGrants({ licenseeId: actor.id, workIds: owned, all: staff, ...(filter.workId ? { workId: filter.workId } : {}) }, 500);
    const out = [];
    for (const row of rows) {
      const work = await this.deps.works.findById(row.work_id);
      if (work) out.push(await this.grantView(actor, row, work));
    }
    return out;
  }

  /** The Agreements of a party's grants in force on a work, for "may I?" checks. */
  async grantPoliciesOf(workId: string, partyUid: string): Promise<{ id: string; policy: Policy }[]> {
    if (!partyUid.startsWith('urn:wenyuan:user:')) return [];
    const rows = await this.deps.repo.activeGrantsOf(workId, partyUid.slice('urn:wenyuan:user:'.length));
    return rows.flatMap((row) => {
      const parsed = parsePolicy(parseJson<unknown>(row.agreement, null));
      return parsed.ok && grantState(row, this.deps.now()) === 'valid' ? [{ id: row.id, policy: parsed.policy }] : [];
    });
  }

  /** The exact Agreement bytes that were hashed into the log (for `wenyuan verify --file`). */
  async agreement(actor: Actor, id: string): Promise<string> {
    return (await this.visibleGrant(actor, id)).grant.agreement;
  }

  /** What the certificate's QR code opens, for anyone holding the grant id and its hash. */
  async publicStatus(id: string, agreementSha256: string): Promise<GrantStatusView> {
    const grant = await this.deps.repo.findGrant(id);
    // Without the hash printed on the certificate the answer is the same as for an unknown id.
    if (!grant || grant.agreement_sha256 !== agreementSha256.toLowerCase()) throw CommonErrors.notFound('grant', { id });
    const work = await this.deps.works.findById(grant.work_id);
    const metadata = work ? (await this.deps.works.metadataOf([work.id])).get(work.id) : undefined;
    return {
      id: grant.id,
      state: grantState(grant, this.deps.now()),
      workId: grant.work_id,
      workTitle: work && work.visibility === 'public' ? titleOf(metadata) : {},
      licenseeName: grant.licensee_name,
      validFrom: grant.valid_from,
      validUntil: grant.valid_until,
      agreementSha256: grant.agreement_sha256,
      registrationId: grant.registration_id,
      revokedAt: grant.revoked_at,
    };
  }

  /** The grant's state for a copy serial's reference (`grant:<id>`): a scan shows it beside the copy. */
  async stateOfReference(reference: string | null): Promise<{ grantId: string; state: GrantState; validUntil: string | null } | null> {
    if (!reference?.startsWith('grant:')) return null;
    const grant = await this.deps.repo.findGrant(reference.slice('grant:'.length));
    return grant ? { grantId: grant.id, state: grantState(grant, this.deps.now()), validUntil: grant.valid_until } : null;
  }

  /** The licensee's watermarked copy: only under a grant in force; the copy names the grant. */
  async copy(actor: Actor, id: string): Promise<{ data: Buffer; mediaType: string; fileName: string }> {
    const { grant } = await this.visibleGrant(actor, id);
    const state = grantState(grant, this.deps.now());
    if (state !== 'valid') throw CommonErrors.conflict(`grant ${id} is ${state}; no copy can be made under it`, { key: 'license.grant_not_valid', params: { id, status: state } });
    return this.deps.makeCopy({ workId: grant.work_id, licensee: grant.licensee_name, licenseeUserId: grant.licensee_id, reference: `grant:${grant.id}`, issuedBy: actor.kind === 'user' ? actor.id : grant.licensee_id });
  }

  /** Revokes a grant; the revocation notice is hashed into the log like the grant was. */
  async revoke(actor: Actor, id: string, reason: string): Promise<GrantView> {
    const { grant, work } = await this.visibleGrant(actor, id);
    if (!canEditWork(actor, work)) throw CommonErrors.forbidden('only those who manage a work revoke its grants', { key: 'license.edit_forbidden', params: { id } });
    if (grant.status !== 'active') throw CommonErrors.conflict(`grant ${id} is already ${grant.status}`, { key: 'license.grant_state', params: { id, status: grant.status } });
    const now = this.deps.now().toISOString();
    const notice = canonicalJson({ type: 'wenyuan.grant-revocation/v1', grant: `urn:wenyuan:grant:${id}`, agreementSha256: grant.agreement_sha256, reason, revokedAt: now });
    const ok = await this.deps.repo.updateGrant(id, 'active', { status: 'revoked', revoked_at: now, revoked_by: actor.kind === 'user' ? actor.id : null, revoke_reason: reason, revocation: notice, revocation_sha256: sha256(notice) });
    if (!ok) throw CommonErrors.conflict(`grant ${id} was changed at the same moment`, { key: 'license.grant_state', params: { id, status: 'revoked' } });
    await this.register(id);
    // Not awaited: the revocation is committed and goes into the transparency log itself.
    this.deps.audit?.note({ actor: auditActor(actor), action: 'grant.revoke', target: { type: 'grant', id } });
    return this.grantView(actor, (await this.deps.repo.findGrant(id))!, work);
  }

  /** The registry receipt of a grant's agreement (or of its revocation); null while pending. */
  async receipt(actor: Actor, id: string, which: 'grant' | 'revocation'): Promise<unknown | null> {
    const { grant } = await this.visibleGrant(actor, id);
    if (which === 'revocation' && grant.status !== 'revoked') throw CommonErrors.notFound('registration', { id: `${id}/revocation` });
    const registrationId = which === 'grant' ? grant.registration_id : grant.revocation_registration_id;
    return registrationId ? this.deps.receiptOf(registrationId) : null;
  }

  /**
   * Puts a grant's agreement (and revocation) into the transparency log, registered by whoever decided
   * it. Failures (setup not finished) leave the row for the registration job, which retries.
   */
  async register(grantId: string): Promise<void> {
    const grant = await this.deps.repo.findGrant(grantId);
    if (!grant) return;
    const order = await this.deps.repo.findOrder(grant.order_id);
    const registrantId = grant.revoked_by ?? order?.decided_by ?? grant.licensee_id;
    const actor = await this.deps.actorOf(registrantId);
    try {
      if (!actor) throw new Error('no registrant');
      if (!grant.registration_id) {
        const id = await this.deps.registerDocument(actor, grant.agreement_sha256);
        if (id) await this.deps.repo.setGrantRegistration(grant.id, 'registration_id', id);
      }
      if (grant.revocation_sha256 && !grant.revocation_registration_id) {
        const id = await this.deps.registerDocument(actor, grant.revocation_sha256);
        if (id) await this.deps.repo.setGrantRegistration(grant.id, 'revocation_registration_id', id);
      }
    } catch {
      await this.deps.scheduleRegistration();
    }
  }

  /** The registration job: every grant or revocation not yet in the log. */
  async registerPending(): Promise<number> {
    const rows = await this.deps.repo.unregisteredGrants(200);
    for (const row of rows) await this.register(row.id);
    return rows.length;
  }

  // Views and access

  private async visibleOrder(actor: Actor, id: string): Promise<{ order: OrderRow; work: WorkRow }> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const order = await this.deps.repo.findOrder(id);
    const work = order ? await this.deps.works.findById(order.work_id) : undefined;
    if (!order || !work || (order.licensee_id !== actor.id && !canEditWork(actor, work) && !hasRole(actor, ['admin', 'curator']))) throw CommonErrors.notFound('order', { id });
    return { order, work };
  }

  private async decidable(actor: Actor, id: string): Promise<{ order: OrderRow; work: WorkRow }> {
    const found = await this.visibleOrder(actor, id);
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    // Nobody decides their own order, not even a curator who is also the licensee.
    if (found.order.licensee_id === actor.id) throw CommonErrors.forbidden('a licensee cannot approve, reject or confirm payment of their own order', { key: 'license.own_order', params: { id } });
    if (!canEditWork(actor, found.work)) throw CommonErrors.forbidden('only the work’s right holder or a curator decides its orders', { key: 'license.edit_forbidden', params: { id } });
    return found;
  }

  private async visibleGrant(actor: Actor, id: string): Promise<{ grant: GrantRow; work: WorkRow }> {
    if (actor.kind !== 'user') throw CommonErrors.unauthenticated();
    const grant = await this.deps.repo.findGrant(id);
    const work = grant ? await this.deps.works.findById(grant.work_id) : undefined;
    if (!grant || !work || (grant.licensee_id !== actor.id && !canEditWork(actor, work))) throw CommonErrors.notFound('grant', { id });
    return { grant, work };
  }

  private stateError(order: OrderRow | undefined, expected: string[]): AppError {
    return CommonErrors.conflict(`the order is ${order?.status ?? 'gone'}; this step needs it ${expected.join(' or ')}`, { key: 'license.order_state', params: { id: order?.id ?? '', status: order?.status ?? 'missing', expected: expected.join('|') } });
  }

  private async orderView(actor: Actor, row: OrderRow, work: WorkRow): Promise<OrderView> {
    const stored = parseJson<StoredDecision | null>(row.decision, null);
    const metadata = (await this.deps.works.metadataOf([work.id])).get(work.id);
    const grant = row.status === 'granted' ? await this.deps.repo.grantOfOrder(row.id) : undefined;
    return {
      id: row.id,
      workId: row.work_id,
      workTitle: titleOf(metadata),
      offerId: row.offer_id,
      licenseeId: row.licensee_id,
      licenseeName: row.licensee_name,
      request: parseJson(row.request, { action: 'use', purpose: [] }),
      price: money(Number(row.price_minor), row.currency),
      copies: row.copies,
      status: row.status as OrderView['status'],
      invoiceNumber: row.invoice_number,
      decidedAt: row.decided_at,
      note: row.note,
      duties: stored ? await this.deps.terms.dutiesView(stored.decision.duties) : [],
      grantId: grant?.id ?? null,
      version: row.version,
      createdAt: row.created_at,
      canDecide: actor.kind === 'user' && row.licensee_id !== actor.id && canEditWork(actor, work),
    };
  }

  private async grantView(actor: Actor, row: GrantRow, work: WorkRow): Promise<GrantView> {
    const metadata = (await this.deps.works.metadataOf([work.id])).get(work.id);
    return {
      id: row.id,
      orderId: row.order_id,
      workId: row.work_id,
      workTitle: titleOf(metadata),
      licenseeId: row.licensee_id,
      licenseeName: row.licensee_name,
      state: grantState(row, this.deps.now()),
      validFrom: row.valid_from,
      validUntil: row.valid_until,
      agreementSha256: row.agreement_sha256,
      registrationId: row.registration_id,
      revokedAt: row.revoked_at,
      revokeReason: row.revoke_reason,
      revocationRegistrationId: row.revocation_registration_id,
      createdAt: row.created_at,
      canRevoke: row.status === 'active' && canEditWork(actor, work),
    };
  }
}

/** Invoice numbers people can read out on the phone: year and the order id's random tail. */
function invoiceNumber(orderId: string, now: string): string {
  return `WY-${now.slice(0, 4)}-${orderId.slice(-10).toUpperCase()}`;
}

/**
 * The ODRL Agreement of a grant: the offer's rule that permitted the use, narrowed to what was asked
 * (purposes, territory, media, term, copies), with the licensee as assignee; heritage prohibitions
 * are copied in so the document stands on its own.
 */
export function buildAgreement(input: { grantId: string; order: OrderRow; work: WorkRow; request: UseRequestInput; offer: Policy | null; decision: Decision; heritage: readonly Policy[]; issuedAt: string }): Record<string, unknown> {
  const { order, request } = input;
  const constraint: Record<string, unknown>[] = [];
  if (request.purpose && request.purpose.length > 0) constraint.push({ leftOperand: 'purpose', operator: request.purpose.length === 1 ? 'eq' : 'isAnyOf', rightOperand: request.purpose.length === 1 ? request.purpose[0] : request.purpose });
  if (request.territory) constraint.push({ leftOperand: 'spatial', operator: 'eq', rightOperand: request.territory });
  if (request.media) constraint.push({ leftOperand: 'media', operator: 'eq', rightOperand: request.media });
  if (request.date) constraint.push({ leftOperand: 'dateTime', operator: 'gteq', rightOperand: { '@value': request.date.slice(0, 10), '@type': 'xsd:date' } });
  if (request.until) constraint.push({ leftOperand: 'dateTime', operator: 'lteq', rightOperand: { '@value': request.until.slice(0, 10), '@type': 'xsd:date' } });
  if (request.count) constraint.push({ leftOperand: 'count', operator: 'lteq', rightOperand: request.count });
  const duty = input.decision.duties.filter((d) => d.action !== 'compensate').map((d) => ({ action: d.action, ...(d.party ? { compensatedParty: d.party.uid } : {}) }));
  const prohibition = input.heritage.flatMap((p) => policyToJsonLd(p).prohibition as unknown[] | undefined ?? []);
  return {
    '@context': ['http://www.w3.org/ns/odrl.jsonld', { tdm: 'http://www.w3.org/ns/tdmrep#', wy: 'https://wenyuan.dev/odrl/profile/1#' }],
    '@type': 'Agreement',
    uid: `urn:wenyuan:grant:${input.grantId}`,
    profile: 'https://wenyuan.dev/odrl/profile/1',
    conflict: 'prohibit',
    assigner: input.offer?.assigner ? { '@type': 'Party', uid: input.offer.assigner.uid } : { '@type': 'Party', uid: 'urn:wenyuan:institution' },
    assignee: { '@type': 'Party', uid: userIri(order.licensee_id), name: order.licensee_name },
    target: workIri(order.work_id),
    permission: [{ action: request.action, ...(constraint.length > 0 ? { constraint } : {}), ...(duty.length > 0 ? { duty } : {}) }],
    ...(prohibition.length > 0 ? { prohibition } : {}),
    'wy:order': order.id,
    'wy:invoice': order.invoice_number,
    'wy:price': { amount: String(order.price_minor), currency: order.currency, unit: 'minor' },
    'wy:content': input.work.primary_file_sha256,
    'wy:offer': input.offer?.uid ?? null,
    'wy:issued': input.issuedAt,
  };
}
