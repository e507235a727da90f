import type { CollectionService } from '../archive/collection.service.js';
import type { WorkReader, WorkRow } from '../archive/work.repository.js';
import type { LangMap } from '../archive/metadata.schema.js';
import { canEditWork, canReadWork, hasRole, type Actor } from '../govern/roles.js';
import { newId } from '../platform/ids.js';
import { AppError, CommonErrors } from '../platform/errors.js';
import type { z } from 'zod';
import type { checkResultSchema, decisionSchema, dutySchema, offerSchema, termsSchema, useRequestSchema } from './license.contract.js';
import { ACTION_NAMES, PURPOSE_NAMES } from './license.contract.js';
import type { LicenseRepository, PolicyRow } from './license.repository.js';
import { formatMinor } from './ledger/index.js';
import { parsePolicy, policyFromRightsUri, policyToJsonLd, priceOf, type Decision, type Duty, type Policy, type UseRequest } from './policy/index.js';
import { parseJson } from './stored-json.js';
import { decideUnder, reuseFlagsUnder } from './decide-under.js';

export type PolicyView = z.infer<typeof offerSchema>;
export type TermsView = z.infer<typeof termsSchema>;
export type DecisionView = z.infer<typeof decisionSchema>;
export type CheckResult = z.infer<typeof checkResultSchema>;
export type UseRequestInput = z.input<typeof useRequestSchema>;
type DutyView = z.infer<typeof dutySchema>;

/** A checked policy row: the row, its parsed policy, and whether it came from a collection. */
export interface LoadedPolicy {
  row: PolicyRow;
  policy: Policy;
  inherited: boolean;
}

/** The policies that govern a work, as the engine needs them. */
export interface WorkPolicies {
  work: WorkRow;
  publicLicence: LoadedPolicy | null;
  /** A licence derived from the work's rights statement when no policy was written. */
  rightsLicence: Policy | null;
  offers: LoadedPolicy[];
  /** Heritage elements' rules, inherited by every decision about the work. */
  heritage: { elementId: string; name: LangMap; custodian: string | null; rules: LoadedPolicy[] }[];
}

export const money = (minor: number, currency: string) => ({ minor, currency, display: formatMinor(minor, currency) });
export const policyUid = (id: string) => `urn:wenyuan:policy:${id}`;
export const workIri = (id: string) => `urn:wenyuan:work:${id}`;
export const userIri = (id: string) => `urn:wenyuan:user:${id}`;
export const INSTITUTION_IRI = 'urn:wenyuan:institution';



/** Today as the engine's date (UTC). */
const today = (now: Date) => now.toISOString().slice(0, 10);

/**
 * Terms: a work's (or a collection's) public licence and commercial offers, the rules of the heritage
 * elements it uses, and the one "may I?" question answered from them with the policy engine.
 */
export class TermsService {
  constructor(
    private readonly deps: {
      repo: LicenseRepository;
      works: WorkReader;
      collections: Pick<CollectionService, 'ancestors' | 'get'>;
      now: () => Date;
      /** Told after a target's terms change (the catalogue's reuse filters follow). */
      termsChanged?: (target: { type: 'work' | 'collection' | 'heritage'; id: string }) => Promise<void>;
    },
  ) {}

  /** Says that a target's terms changed, so what is derived from them (the catalogue's filters) follows. */
  async changed(target: { type: 'work' | 'collection' | 'heritage'; id: string }): Promise<void> {
    await this.deps.termsChanged?.(target);
  }

  /** Reads and checks a policy as the engine understands it, with the server's uid and target filled in. */
  checkPolicy(json: Record<string, unknown>, overrides: { uid: string; target: string | null; type: 'Set' | 'Offer'; assigner: string }): { policy: Policy; jsonLd: Record<string, unknown> } {
    const withIds: Record<string, unknown> = { ...json, uid: overrides.uid, '@type': json['@type'] ?? overrides.type };
    delete withIds['@id'];
    if (overrides.target) withIds.target = overrides.target;
    if (overrides.type === 'Offer' && withIds.assigner === undefined) withIds.assigner = { '@type': 'Party', uid: overrides.assigner };
    if (withIds['@context'] === undefined) withIds['@context'] = 'http://www.w3.org/ns/odrl.jsonld';
    const parsed = parsePolicy(withIds);
    if (!parsed.ok) {
      const first = parsed.issues[0]!;
      throw new AppError('invalid_input', `${first.path ? `${first.path}: ` : ''}${first.message}${parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more)` : ''}`, {
        key: 'license.policy_invalid',
        params: { code: first.code, path: first.path, count: parsed.issues.length },
        details: parsed.issues.slice(0, 20),
      });
    }
    const type = parsed.policy.type;
    if (type !== overrides.type) throw CommonErrors.invalid(`this place takes an ODRL ${overrides.type}, not a ${type}`, { key: 'license.policy_kind', params: { kind: type, expected: overrides.type } });
    return { policy: parsed.policy, jsonLd: policyToJsonLd(parsed.policy) };
  }

  /** Every policy that governs a work: its own, its collections' (nearest first), its heritage elements'. */
  async policiesOf(work: WorkRow): Promise<WorkPolicies> {
    const collections = work.collection_id ? await this.deps.collections.ancestors(work.collection_id) : [];
    const elementIds = await this.deps.repo.heritageElementIdsOf(work.id);
    const targets = [{ type: 'work', id: work.id }, ...collections.map((id) => ({ type: 'collection', id })), ...elementIds.map((id) => ({ type: 'heritage', id }))];
    const rows = await this.deps.repo.activePolicies(targets, ['public', 'offer', 'heritage']);
    const loaded = rows.flatMap((row) => {
      const parsed = parsePolicy(parseJson<unknown>(row.odrl, null));
      // A stored policy that no longer parses (a profile change) is left out, not fatal: it grants nothing.
      return parsed.ok ? [{ row, policy: parsed.policy, inherited: row.target_type === 'collection' }] : [];
    });
    const level = (p: LoadedPolicy) => (p.row.target_type === 'work' ? -1 : collections.indexOf(p.row.target_id));
    const publicLicence = loaded.filter((p) => p.row.kind === 'public' && p.row.target_type !== 'heritage').sort((a, b) => level(a) - level(b))[0] ?? null;
    const rightsLicence = !publicLicence && work.rights_uri ? policyFromRightsUri(work.rights_uri, { uid: `urn:wenyuan:rights:${work.id}`, target: workIri(work.id) }) : null;
    const offers = loaded.filter((p) => p.row.kind === 'offer');
    const heritage = [];
    for (const elementId of elementIds) {
      const element = await this.deps.repo.findHeritageElement(elementId);
      if (!element) continue;
      heritage.push({ elementId, name: parseJson<LangMap>(element.name, {}), custodian: element.custodian_party_id, rules: loaded.filter((p) => p.row.kind === 'heritage' && p.row.target_id === elementId) });
    }
    return { work, publicLicence, rightsLicence, offers, heritage };
  }

  heritageRules(policies: WorkPolicies): Policy[] {
    return policies.heritage.flatMap((h) => h.rules.map((r) => r.policy));
  }

  async readableWork(actor: Actor, workId: string): Promise<WorkRow> {
    const work = await this.deps.works.findById(workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: workId });
    return work;
  }

  /** The work page's rights: free uses, offers with prices, heritage rules, AI training. */
  async termsOf(actor: Actor, workId: string): Promise<TermsView> {
    const work = await this.readableWork(actor, workId);
    const policies = await this.policiesOf(work);
    const inherited = this.heritageRules(policies);
    const licence = policies.publicLicence?.policy ?? policies.rightsLicence;
    const date = today(this.deps.now());
    const freeUses = [];
    for (const action of ACTION_NAMES) {
      for (const purpose of PURPOSE_NAMES) {
        const decision = licence ? decideUnder({ action, purpose: [purpose], date }, licence, inherited) : null;
        freeUses.push({ action, purpose, outcome: decision?.outcome ?? ('deny' as const), duties: decision ? await this.dutiesView(decision.duties) : [] });
      }
    }
    const offerViews = await Promise.all(policies.offers.map((p) => this.policyView(p)));
    const heritage = await Promise.all(policies.heritage.map(async (h) => {
      const custodian = h.custodian ? await this.deps.repo.findParty(h.custodian) : undefined;
      return { id: h.elementId, name: h.name, custodian: h.custodian, custodianName: custodian ? parseJson<LangMap>(custodian.name, {}) : null, rules: await Promise.all(h.rules.map((r) => this.policyView(r))) };
    }));
    // The same rules as the catalogue's filters (reuseFlagsUnder), so the page and the filter agree.
    const flags = reuseFlagsUnder(licence, inherited, policies.offers.map((o) => o.policy), date);
    const tdmOffer = policies.offers.some((o) => o.policy.permission.some((p) => p.action === 'tdm:mine' || p.action === 'use'));
    return {
      workId: work.id,
      rightsUri: work.rights_uri,
      publicLicence: policies.publicLicence ? await this.policyView(policies.publicLicence) : null,
      publicLicenceSource: policies.publicLicence ? (policies.publicLicence.inherited ? 'collection' : 'policy') : policies.rightsLicence ? 'rights-statement' : 'none',
      freeUses,
      offers: offerViews,
      heritage,
      aiTraining: flags.aiTraining ? 'allowed' : tdmOffer ? 'licensable' : 'reserved',
      licensable: flags.licensable,
      freeToReuse: flags.freeToReuse,
    };
  }

  /**
   * "May <party> <action> <work> for <purpose> in <territory>?" The public licence first (free), then
   * the party's grants, then the offers (what it would cost). Heritage rules bind every answer.
   */
  async check(actor: Actor, workId: string, input: UseRequestInput & { party?: string }, grants: (work: WorkRow, party: string) => Promise<{ id: string; policy: Policy }[]>): Promise<CheckResult> {
    const work = await this.readableWork(actor, workId);
    const policies = await this.policiesOf(work);
    const inherited = this.heritageRules(policies);
    const self = actor.kind === 'user' ? userIri(actor.id) : undefined;
    // Asking on someone else's behalf would tell whether they hold a licence: for staff and the work's managers only.
    if (input.party && input.party !== self && !canEditWork(actor, work)) throw CommonErrors.forbidden('only those who manage the work may ask on behalf of another party', { key: 'license.edit_forbidden', params: { id: work.id } });
    const party = input.party ?? self;
    const request = this.useRequest(input, party);
    const licence = policies.publicLicence?.policy ?? policies.rightsLicence;
    const free = licence ? decideUnder(request, licence, inherited) : null;
    if (free && free.outcome !== 'deny' && !priceOf(free)) return { outcome: free.outcome, basis: 'public-licence', offerId: null, grantId: null, price: null, decision: await this.decisionView(free) };
    if (party) {
      for (const grant of await grants(work, party)) {
        const decision = decideUnder(request, grant.policy, inherited);
        if (decision.outcome !== 'deny') return { outcome: decision.outcome, basis: 'grant', offerId: null, grantId: grant.id, price: null, decision: await this.decisionView(decision) };
      }
    }
    let cheapest: { offer: LoadedPolicy; decision: Decision; price: { minor: number; currency: string } | null } | null = null;
    for (const offer of policies.offers) {
      const decision = decideUnder(request, offer.policy, inherited);
      if (decision.outcome === 'deny') continue;
      const price = priceOf(decision);
      if (!cheapest || (price?.minor ?? 0) < (cheapest.price?.minor ?? 0)) cheapest = { offer, decision, price };
    }
    if (cheapest) {
      return { outcome: 'deny', basis: 'offer', offerId: cheapest.offer.row.id, grantId: null, price: cheapest.price ? money(cheapest.price.minor, cheapest.price.currency) : null, decision: await this.decisionView(cheapest.decision) };
    }
    const refusal = free ?? decideUnder(request, { uid: 'urn:wenyuan:no-licence', type: 'Set', permission: [], prohibition: [], obligation: [] }, inherited);
    return { outcome: 'deny', basis: 'none', offerId: null, grantId: null, price: null, decision: await this.decisionView(refusal) };
  }

  /** The engine's request from the API's: today when no date is given, one copy when no count is. */
  useRequest(input: UseRequestInput, party: string | undefined): UseRequest {
    return {
      ...(party ? { assignee: party } : {}),
      action: input.action,
      purpose: input.purpose ?? [],
      ...(input.territory ? { territory: input.territory } : {}),
      ...(input.media ? { media: input.media } : {}),
      date: input.date ?? today(this.deps.now()),
      // A use with no number of copies is one use: a `count` limit then still applies.
      count: input.count ?? 1,
    };
  }

  async decisionView(decision: Decision): Promise<DecisionView> {
    return {
      outcome: decision.outcome,
      reason: decision.reason,
      rule: decision.rule ? { policy: decision.rule.policy, kind: decision.rule.kind, index: decision.rule.index } : null,
      duties: await this.dutiesView(decision.duties),
      trace: decision.trace,
    };
  }

  async dutiesView(duties: readonly Duty[]): Promise<DutyView[]> {
    const out: DutyView[] = [];
    for (const duty of duties) {
      const partyUid = duty.party?.uid ?? null;
      const partyId = partyUid?.startsWith('urn:wenyuan:party:') ? partyUid.slice('urn:wenyuan:party:'.length) : null;
      const party = partyId ? await this.deps.repo.findParty(partyId) : undefined;
      const names = party ? parseJson<LangMap>(party.name, {}) : null;
      out.push({
        action: duty.action,
        amount: duty.amount ? money(duty.amount.minor, duty.amount.currency) : null,
        basisPoints: duty.percentage ?? null,
        party: partyUid,
        partyName: (names && (names['zh-Hans'] ?? names.en ?? Object.values(names)[0])) ?? duty.party?.name ?? null,
        text: duty.text ?? null,
      });
    }
    return out;
  }

  async policyView(loaded: LoadedPolicy): Promise<PolicyView> {
    const { row, policy } = loaded;
    const price = policy.permission.flatMap((p) => p.duty).find((d) => d.action === 'compensate' && d.amount)?.amount ?? null;
    return {
      id: row.id,
      kind: row.kind as PolicyView['kind'],
      target: { type: row.target_type, id: row.target_id },
      inherited: loaded.inherited,
      title: parseJson<LangMap>(row.title, {}),
      odrl: parseJson<Record<string, unknown>>(row.odrl, {}),
      status: row.status as PolicyView['status'],
      autoApprove: row.auto_approve === 1,
      editionSize: row.edition_size,
      editionRemaining: row.edition_size === null ? null : Math.max(0, row.edition_size - row.edition_used),
      price: price ? money(price.minor, price.currency) : null,
      actions: [...new Set(policy.permission.map((p) => p.action))],
      version: row.version,
      updatedAt: row.updated_at,
    };
  }

  /** Who may change a target's terms: those who may edit the work; admins and curators for collections. */
  async requireEditable(actor: Actor, target: { type: string; id: string }): Promise<{ assigner: string; target: string }> {
    if (target.type === 'work') {
      const work = await this.readableWork(actor, target.id);
      if (!canEditWork(actor, work)) throw CommonErrors.forbidden('only those who manage a work set its terms', { key: 'license.edit_forbidden', params: { id: work.id } });
      return { assigner: work.owner_id ? userIri(work.owner_id) : INSTITUTION_IRI, target: workIri(work.id) };
    }
    if (target.type === 'collection') {
      if (!hasRole(actor, ['admin', 'curator'])) throw CommonErrors.forbidden('only admins and curators set a collection’s terms', { key: 'license.edit_forbidden', params: { id: target.id } });
      await this.deps.collections.get(actor, target.id);
      return { assigner: INSTITUTION_IRI, target: `urn:wenyuan:collection:${target.id}` };
    }
    if (!hasRole(actor, ['admin', 'curator'])) throw CommonErrors.forbidden('only admins and curators set a heritage element’s rules', { key: 'license.edit_forbidden', params: { id: target.id } });
    if (!(await this.deps.repo.findHeritageElement(target.id))) throw CommonErrors.notFound('heritage_element', { id: target.id });
    return { assigner: INSTITUTION_IRI, target: `urn:wenyuan:heritage:${target.id}` };
  }

  /** Sets (or with null removes) the public licence of a work or collection: an ODRL Set, or a CC / RightsStatements URI. */
  async setPublicLicence(actor: Actor, target: { type: 'work' | 'collection'; id: string }, input: { odrl?: Record<string, unknown> | null; rightsUri?: string }): Promise<PolicyView | null> {
    const where = await this.requireEditable(actor, target);
    const existing = (await this.deps.repo.activePolicies([target], ['public']))[0];
    const now = this.deps.now().toISOString();
    if (existing) await this.deps.repo.updatePolicy(existing.id, existing.version, { status: 'withdrawn', version: existing.version + 1, updated_at: now });
    let json = input.odrl ?? null;
    const id = newId();
    if (!input.rightsUri && !json) {
      if (existing) await this.changed(target);
      return null;
    }
    if (input.rightsUri) {
      const mapped = policyFromRightsUri(input.rightsUri, { uid: policyUid(id), target: where.target });
      if (!mapped) throw CommonErrors.invalid(`${input.rightsUri} grants no public licence (it is a rights statement); leave the public licence empty instead`, { key: 'license.rights_uri_invalid', params: { uri: input.rightsUri } });
      json = policyToJsonLd(mapped);
    }
    if (!json) return null;
    const { jsonLd } = this.checkPolicy(json, { uid: policyUid(id), target: where.target, type: 'Set', assigner: where.assigner });
    await this.deps.repo.insertPolicy({ id, kind: 'public', target_type: target.type, target_id: target.id, title: JSON.stringify(input.rightsUri ? { en: input.rightsUri } : {}), odrl: JSON.stringify(jsonLd), status: 'active', version: 1, created_by: actor.kind === 'user' ? actor.id : null, created_at: now, updated_at: now, edition_size: null });
    await this.changed(target);
    return this.policyView({ row: (await this.deps.repo.findPolicy(id))!, policy: this.checkPolicy(jsonLd, { uid: policyUid(id), target: where.target, type: 'Set', assigner: where.assigner }).policy, inherited: false });
  }

  async createOffer(actor: Actor, input: { target: { type: 'work' | 'collection'; id: string }; title: LangMap; odrl: Record<string, unknown>; autoApprove: boolean; editionSize: number | null }): Promise<PolicyView> {
    const where = await this.requireEditable(actor, input.target);
    const id = newId();
    const { policy, jsonLd } = this.checkPolicy(input.odrl, { uid: policyUid(id), target: where.target, type: 'Offer', assigner: where.assigner });
    const now = this.deps.now().toISOString();
    await this.deps.repo.insertPolicy({ id, kind: 'offer', target_type: input.target.type, target_id: input.target.id, title: JSON.stringify(input.title), odrl: JSON.stringify(jsonLd), status: 'active', auto_approve: input.autoApprove ? 1 : 0, edition_size: input.editionSize, version: 1, created_by: actor.kind === 'user' ? actor.id : null, created_at: now, updated_at: now });
    await this.changed(input.target);
    return this.policyView({ row: (await this.deps.repo.findPolicy(id))!, policy, inherited: false });
  }

  async getOffer(actor: Actor, id: string): Promise<PolicyView> {
    const row = await this.deps.repo.findPolicy(id);
    if (!row || row.kind === 'heritage') throw CommonErrors.notFound('offer', { id });
    if (row.target_type === 'work') await this.readableWork(actor, row.target_id);
    const parsed = parsePolicy(parseJson<unknown>(row.odrl, null));
    if (!parsed.ok) throw CommonErrors.notFound('offer', { id });
    return this.policyView({ row, policy: parsed.policy, inherited: false });
  }

  /** Offers of a work (its own and inherited) or of a collection; withdrawn ones only for editors. */
  async listOffers(actor: Actor, target: { type: 'work' | 'collection'; id: string }): Promise<PolicyView[]> {
    if (target.type === 'work') {
      const work = await this.readableWork(actor, target.id);
      return Promise.all((await this.policiesOf(work)).offers.map((p) => this.policyView(p)));
    }
    await this.deps.collections.get(actor, target.id);
    const rows = await this.deps.repo.activePolicies([target], ['offer']);
    return Promise.all(rows.flatMap((row) => {
      const parsed = parsePolicy(parseJson<unknown>(row.odrl, null));
      return parsed.ok ? [this.policyView({ row, policy: parsed.policy, inherited: false })] : [];
    }));
  }

  async updateOffer(actor: Actor, id: string, input: { title?: LangMap; odrl?: Record<string, unknown>; autoApprove?: boolean; editionSize?: number | null; version: number }): Promise<PolicyView> {
    const row = await this.deps.repo.findPolicy(id);
    if (!row || row.kind !== 'offer') throw CommonErrors.notFound('offer', { id });
    if (row.status !== 'active') throw CommonErrors.conflict('this offer was withdrawn; create a new one', { key: 'license.offer_withdrawn', params: { id } });
    const where = await this.requireEditable(actor, { type: row.target_type, id: row.target_id });
    const checked = this.checkPolicy(input.odrl ?? parseJson<Record<string, unknown>>(row.odrl, {}), { uid: policyUid(id), target: where.target, type: 'Offer', assigner: where.assigner });
    if (input.editionSize != null && input.editionSize < row.edition_used) throw CommonErrors.invalid(`${row.edition_used} copies are already sold; the edition cannot be smaller`, { key: 'license.edition_sold_out', params: { id, remaining: 0, requested: row.edition_used } });
    const ok = await this.deps.repo.updatePolicy(id, input.version, {
      ...(input.title ? { title: JSON.stringify(input.title) } : {}),
      odrl: JSON.stringify(checked.jsonLd),
      ...(input.autoApprove !== undefined ? { auto_approve: input.autoApprove ? 1 : 0 } : {}),
      ...(input.editionSize !== undefined ? { edition_size: input.editionSize } : {}),
      version: input.version + 1,
      updated_at: this.deps.now().toISOString(),
    });
    if (!ok) throw CommonErrors.conflict(`offer ${id} was changed by someone else (now version ${row.version}); reload it`, { key: 'license.offer_changed', params: { id, expected: input.version } });
    await this.changed({ type: row.target_type as 'work' | 'collection', id: row.target_id });
    return this.getOffer(actor, id);
  }

  /** Withdraws an offer: no new orders; grants made under it stay valid. */
  async withdrawOffer(actor: Actor, id: string): Promise<void> {
    const row = await this.deps.repo.findPolicy(id);
    if (!row || row.kind !== 'offer') throw CommonErrors.notFound('offer', { id });
    await this.requireEditable(actor, { type: row.target_type, id: row.target_id });
    if (row.status === 'withdrawn') return;
    await this.deps.repo.updatePolicy(id, row.version, { status: 'withdrawn', version: row.version + 1, updated_at: this.deps.now().toISOString() });
    await this.changed({ type: row.target_type as 'work' | 'collection', id: row.target_id });
  }
}
