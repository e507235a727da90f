import type { CollectionService } from '../archive/collection.service.js';
import type { WorkReader } from '../archive/work.repository.js';
import type { ReuseFlagsService } from '../discover/reuse-flags.service.js';
import type { CollectionReuseFlags, ReuseFlags } from '../discover/reuse-flags.js';
import type { LicenseRepository } from './license.repository.js';
import { parsePolicy, policyFromRightsUri, type Policy } from './policy/index.js';
import { reuseFlagsUnder } from './decide-under.js';
import type { TermsService, WorkPolicies } from './terms.service.js';

/** Terms whose works' reuse flags must be worked out again. */
export type TermsTarget = { type: 'work' | 'collection' | 'heritage'; id: string };

const PAGE = 1_000;

/** A stored policy's JSON, or null when it does not parse (it then grants nothing, as in TermsService). */
const parseJsonOrNull = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
};


/** A work's reuse flags from all the policies that govern it. */
export function reuseFlagsOf(policies: WorkPolicies, heritage: readonly Policy[], date: string): ReuseFlags {
  return reuseFlagsUnder(policies.publicLicence?.policy ?? policies.rightsLicence, heritage, policies.offers.map((o) => o.policy), date);
}

/**
 * Keeps discover's reuse filters in step with terms: the rights-URI mapping at start; per collection,
 * what its works inherit (the nearest licence, any offer), so works filed or moved there later have
 * it; and the whole answer for each work with terms of its own (a licence or offer on the work,
 * heritage rules), written whenever those terms change (a heritage element's works in a job).
 */
export class ReuseFlagsPublisher {
  constructor(
    private readonly deps: {
      repo: LicenseRepository;
      terms: TermsService;
      works: Pick<WorkReader, 'findById'>;
      collections: Pick<CollectionService, 'subtreeIds' | 'ancestors'>;
      flags: Pick<ReuseFlagsService, 'setRightsMapping' | 'setFlags' | 'setCollectionFlags' | 'flaggedWorksIn'>;
      now: () => Date;
    },
  ) {}

  /** Gives discover the mapping for works with nothing but a rights URI. */
  registerMapping(): void {
    this.deps.flags.setRightsMapping((uri) => {
      const licence = policyFromRightsUri(uri, { uid: 'urn:wenyuan:rights', target: 'urn:wenyuan:rights' });
      return reuseFlagsUnder(licence, [], [], this.today());
    });
  }

  /** Works out the flags of some works again: per-work flags when policies govern them, else cleared. */
  async refreshWorks(workIds: readonly string[]): Promise<void> {
    const entries: { workSeq: number; flags: ReuseFlags | null }[] = [];
    for (const id of workIds) {
      const work = await this.deps.works.findById(id);
      if (!work) continue;
      const policies = await this.deps.terms.policiesOf(work);
      const heritage = this.deps.terms.heritageRules(policies);
      // Terms inherited from collections alone are the collection's flags' business (a move follows them).
      const own = (p: { row: { target_type: string } }) => p.row.target_type === 'work';
      const governed = (policies.publicLicence !== null && own(policies.publicLicence)) || policies.offers.some(own) || heritage.length > 0;
      entries.push({ workSeq: Number(work.seq), flags: governed ? reuseFlagsOf(policies, heritage, this.today()) : null });
    }
    await this.deps.flags.setFlags(entries);
  }

  /** Works out the flags of every work under a target again (a collection: the works of its subtree). */
  async refreshTarget(target: TermsTarget): Promise<void> {
    if (target.type === 'work') return this.refreshWorks([target.id]);
    if (target.type === 'heritage') return this.refreshWorks(await this.deps.repo.workIdsOfElement(target.id));
    const collectionIds = await this.deps.collections.subtreeIds(target.id).catch(() => [target.id]);
    const entries: { collectionId: string; flags: CollectionReuseFlags | null }[] = [];
    for (const id of collectionIds) entries.push({ collectionId: id, flags: await this.collectionFlags(id) });
    await this.deps.flags.setCollectionFlags(entries);
    // Works with terms of their own inherit too: their whole answer is worked out again.
    for (let after = 0; ; ) {
      const page = await this.deps.flags.flaggedWorksIn(collectionIds, after, PAGE);
      if (page.length === 0) return;
      await this.refreshWorks(page.map((w) => w.id));
      after = page[page.length - 1]!.seq;
    }
  }

  /** Every target that has a policy (the first start after the upgrade). */
  async refreshAll(): Promise<void> {
    for (const target of await this.deps.repo.policyTargets()) await this.refreshTarget(target);
  }

  /** What a collection's works inherit: its nearest licence (its own or an ancestor's) and whether any offer covers them. */
  private async collectionFlags(collectionId: string): Promise<CollectionReuseFlags | null> {
    const chain = await this.deps.collections.ancestors(collectionId);
    const rows = await this.deps.repo.activePolicies(chain.map((id) => ({ type: 'collection', id })), ['public', 'offer']);
    const parsed = rows.flatMap((row) => {
      const result = parsePolicy(parseJsonOrNull(row.odrl));
      return result.ok ? [{ row, policy: result.policy }] : [];
    });
    const licence = parsed.filter((p) => p.row.kind === 'public').sort((a, b) => chain.indexOf(a.row.target_id) - chain.indexOf(b.row.target_id))[0]?.policy ?? null;
    const offers = parsed.filter((p) => p.row.kind === 'offer').map((p) => p.policy);
    if (!licence && offers.length === 0) return null;
    const flags = reuseFlagsUnder(licence, [], offers, this.today());
    return { licence: licence ? { freeToReuse: flags.freeToReuse, aiTraining: flags.aiTraining } : null, licensable: flags.licensable };
  }

  private today(): string {
    return this.deps.now().toISOString().slice(0, 10);
  }
}
