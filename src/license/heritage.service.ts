import type { LangMap } from '../archive/metadata.schema.js';
import type { WorkReader } from '../archive/work.repository.js';
import { canEditWork, canReadWork, hasRole, type Actor } from '../govern/roles.js';
import { CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { z } from 'zod';
import type { heritageElementSchema } from './license.contract.js';
import type { HeritageElementRow, LicenseRepository } from './license.repository.js';
import { parsePolicy } from './policy/index.js';
import { INSTITUTION_IRI, policyUid, type TermsService } from './terms.service.js';
import { parseJson } from './stored-json.js';

export type HeritageElementView = z.infer<typeof heritageElementSchema>;


/**
 * Heritage elements (a Peking-opera mask pattern, a Miao embroidery motif): rules a curator writes
 * once — "commercial use pays 5 % to the custodian community fund", "no use in a parody" — that
 * every decision about every work using the element inherits.
 */
export class HeritageService {
  constructor(private readonly deps: { repo: LicenseRepository; terms: TermsService; works: WorkReader; now: () => Date }) {}

  async list(): Promise<HeritageElementView[]> {
    return Promise.all((await this.deps.repo.listHeritageElements()).map((row) => this.view(row)));
  }

  async get(id: string): Promise<HeritageElementView> {
    const row = await this.deps.repo.findHeritageElement(id);
    if (!row) throw CommonErrors.notFound('heritage_element', { id });
    return this.view(row);
  }

  async create(actor: Actor, input: { name: LangMap; description?: LangMap | null; custodianPartyId?: string | null; rules?: Record<string, unknown> | null }): Promise<HeritageElementView> {
    this.requireCurator(actor);
    if (input.custodianPartyId && !(await this.deps.repo.findParty(input.custodianPartyId))) throw CommonErrors.invalid(`party ${input.custodianPartyId} does not exist`, { key: 'license.party_unknown', params: { id: input.custodianPartyId } });
    const id = newId();
    const now = this.deps.now().toISOString();
    // Checked before anything is written: a bad rule leaves no element behind.
    const rules = input.rules ? this.deps.terms.checkPolicy(input.rules, { uid: policyUid(`${id}-rules`), target: `urn:wenyuan:heritage:${id}`, type: 'Set', assigner: INSTITUTION_IRI }) : null;
    await this.deps.repo.insertHeritageElement({ id, name: JSON.stringify(input.name), description: input.description ? JSON.stringify(input.description) : null, custodian_party_id: input.custodianPartyId ?? null, created_at: now, updated_at: now });
    if (rules) await this.deps.repo.insertPolicy({ id: newId(), kind: 'heritage', target_type: 'heritage', target_id: id, title: JSON.stringify(input.name), odrl: JSON.stringify(rules.jsonLd), status: 'active', version: 1, created_by: actor.kind === 'user' ? actor.id : null, created_at: now, updated_at: now, edition_size: null });
    return this.get(id);
  }

  async update(actor: Actor, id: string, input: { name: LangMap; description?: LangMap | null; custodianPartyId?: string | null; rules?: Record<string, unknown> | null }): Promise<HeritageElementView> {
    this.requireCurator(actor);
    const row = await this.deps.repo.findHeritageElement(id);
    if (!row) throw CommonErrors.notFound('heritage_element', { id });
    if (input.custodianPartyId && !(await this.deps.repo.findParty(input.custodianPartyId))) throw CommonErrors.invalid(`party ${input.custodianPartyId} does not exist`, { key: 'license.party_unknown', params: { id: input.custodianPartyId } });
    const now = this.deps.now().toISOString();
    const policyId = newId();
    const rules = input.rules ? this.deps.terms.checkPolicy(input.rules, { uid: policyUid(policyId), target: `urn:wenyuan:heritage:${id}`, type: 'Set', assigner: INSTITUTION_IRI }) : null;
    await this.deps.repo.updateHeritageElement(id, { name: JSON.stringify(input.name), description: input.description ? JSON.stringify(input.description) : null, custodian_party_id: input.custodianPartyId ?? null, updated_at: now });
    if (input.rules !== undefined) {
      for (const old of await this.deps.repo.activePolicies([{ type: 'heritage', id }], ['heritage'])) await this.deps.repo.updatePolicy(old.id, old.version, { status: 'withdrawn', version: old.version + 1, updated_at: now });
      if (rules) await this.deps.repo.insertPolicy({ id: policyId, kind: 'heritage', target_type: 'heritage', target_id: id, title: JSON.stringify(input.name), odrl: JSON.stringify(rules.jsonLd), status: 'active', version: 1, created_by: actor.kind === 'user' ? actor.id : null, created_at: now, updated_at: now, edition_size: null });
      await this.deps.terms.changed({ type: 'heritage', id });
    }
    return this.get(id);
  }

  /** Which heritage elements a work uses (those who manage the work say so). */
  async setWorkElements(actor: Actor, workId: string, elementIds: readonly string[]): Promise<{ elementIds: string[] }> {
    const work = await this.deps.works.findById(workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: workId });
    if (!canEditWork(actor, work)) throw CommonErrors.forbidden('only those who manage a work say which heritage elements it uses', { key: 'license.edit_forbidden', params: { id: workId } });
    const unique = [...new Set(elementIds)];
    for (const id of unique) if (!(await this.deps.repo.findHeritageElement(id))) throw CommonErrors.invalid(`heritage element ${id} does not exist`, { key: 'license.heritage_unknown', params: { id } });
    await this.deps.repo.setWorkHeritageElements(workId, unique);
    await this.deps.terms.changed({ type: 'work', id: workId });
    return { elementIds: await this.deps.repo.heritageElementIdsOf(workId) };
  }

  async workElements(actor: Actor, workId: string): Promise<{ elementIds: string[] }> {
    const work = await this.deps.works.findById(workId);
    if (!work || !canReadWork(actor, work)) throw CommonErrors.notFound('work', { id: workId });
    return { elementIds: await this.deps.repo.heritageElementIdsOf(workId) };
  }

  private requireCurator(actor: Actor): void {
    if (!hasRole(actor, ['admin', 'curator'])) throw CommonErrors.forbidden('only admins and curators define heritage elements', { key: 'license.edit_forbidden', params: { id: 'heritage' } });
  }

  private async view(row: HeritageElementRow): Promise<HeritageElementView> {
    const rules = [];
    for (const policyRow of await this.deps.repo.activePolicies([{ type: 'heritage', id: row.id }], ['heritage'])) {
      const parsed = parsePolicy(parseJson<unknown>(policyRow.odrl, null));
      if (parsed.ok) rules.push(await this.deps.terms.policyView({ row: policyRow, policy: parsed.policy, inherited: false }));
    }
    return {
      id: row.id,
      name: parseJson<LangMap>(row.name, {}),
      description: row.description ? parseJson<LangMap>(row.description, {}) : null,
      custodianPartyId: row.custodian_party_id,
      rules,
      workCount: await this.deps.repo.countWorksOfElement(row.id),
    };
  }
}
