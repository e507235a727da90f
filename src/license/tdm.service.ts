import type { WorkReader } from '../archive/work.repository.js';
import type { LicenseRepository } from './license.repository.js';
import { policyFromRightsUri } from './policy/index.js';
import { reuseFlagsUnder } from './decide-under.js';
import type { TermsService } from './terms.service.js';

/** At most this many per-work exceptions in tdmrep.json; beyond it the per-response headers say it. */
const MAX_EXCEPTIONS = 10_000;
const CACHE_MS = 60_000;
const CACHE_SIZE = 20_000;

/** Paths that name a work: its page, its files and its IIIF image service. */
const WORK_PATHS = [/^\/works\/([^/?#]+)/, /^\/api\/works\/([^/?#]+)/, /^\/iiif\/3\/([^/~?#]+)~/];

/**
 * The TDM Reservation Protocol (W3C TDMRep): text and data mining, AI training above all, is
 * reserved unless a work's public licence permits it for commercial use. Published as
 * /.well-known/tdmrep.json (the rule for the whole site plus the works that allow it) and as
 * `tdm-reservation` headers on every answer that names a work.
 */
export class TdmService {
  private readonly cache = new Map<string, { reserved: boolean; until: number }>();

  constructor(private readonly deps: { repo: LicenseRepository; works: WorkReader; terms: TermsService; now: () => Date; absolute: (path: string) => Promise<string> }) {}

  /** Whether mining a public work is reserved (private and unknown works are: nothing is offered). */
  async reserved(workId: string): Promise<boolean> {
    const hit = this.cache.get(workId);
    const now = Date.now();
    if (hit && hit.until > now) return hit.reserved;
    const work = await this.deps.works.findById(workId);
    let reserved = true;
    if (work && work.visibility === 'public') {
      const policies = await this.deps.terms.policiesOf(work);
      const licence = policies.publicLicence?.policy ?? policies.rightsLicence;
      reserved = !reuseFlagsUnder(licence, this.deps.terms.heritageRules(policies), [], this.deps.now().toISOString().slice(0, 10)).aiTraining;
    }
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(workId, { reserved, until: now + CACHE_MS });
    return reserved;
  }

  /** Terms changed: answers about this work are worked out again. */
  forget(workId?: string): void {
    if (workId) this.cache.delete(workId);
    else this.cache.clear();
  }

  /** The headers for an answer to `url`, or null when it names no work. */
  async headersFor(url: string): Promise<Record<string, string> | null> {
    const path = url.split('?')[0] ?? url;
    for (const pattern of WORK_PATHS) {
      const match = pattern.exec(path);
      if (!match) continue;
      let id: string;
      try {
        id = decodeURIComponent(match[1]!);
      } catch {
        return null;
      }
      if (id.length > 64) return null;
      return { 'tdm-reservation': (await this.reserved(id)) ? '1' : '0' };
    }
    return null;
  }

  /** The TDMRep policy (an ODRL Offer, TDMRep's profile): mining is reserved; ask the institution for a licence. */
  async policyDocument(): Promise<Record<string, unknown>> {
    const [uid, site, licensing] = await Promise.all([this.deps.absolute('/api/license/tdm-policy'), this.deps.absolute('/'), this.deps.absolute('/works')]);
    return {
      '@context': ['http://www.w3.org/ns/odrl.jsonld', { tdm: 'http://www.w3.org/ns/tdmrep#' }],
      '@type': 'Offer',
      uid,
      profile: 'http://www.w3.org/ns/tdmrep',
      assigner: { '@type': 'Party', uid: site },
      permission: [{ target: site, action: 'tdm:mine', duty: [{ action: 'obtainConsent', 'rdfs:seeAlso': licensing }] }],
    };
  }

  /** /.well-known/tdmrep.json: the works that allow mining first, then everything else reserved. */
  async tdmrep(policyUrl: string): Promise<{ location: string; 'tdm-reservation': 0 | 1; 'tdm-policy'?: string }[]> {
    const date = this.deps.now().toISOString().slice(0, 10);
    const freeUris = FREE_RIGHTS_CANDIDATES.filter((uri) => {
      const licence = policyFromRightsUri(uri, { uid: 'urn:wenyuan:probe', target: 'urn:wenyuan:probe' });
      return reuseFlagsUnder(licence, [], [], date).aiTraining;
    });
    const ids = new Set(await this.deps.works.publicWorkIdsWithRights(freeUris, MAX_EXCEPTIONS));
    for (const id of await this.deps.repo.workIdsWithPolicy('public')) if (ids.size < MAX_EXCEPTIONS) ids.add(id);
    const allowed: string[] = [];
    for (const id of ids) if (!(await this.reserved(id))) allowed.push(id);
    return [
      ...allowed.flatMap((id) => [
        { location: `/works/${id}`, 'tdm-reservation': 0 as const },
        { location: `/api/works/${id}/*`, 'tdm-reservation': 0 as const },
        { location: `/iiif/3/${id}~*`, 'tdm-reservation': 0 as const },
      ]),
      { location: '/*', 'tdm-reservation': 1, 'tdm-policy': policyUrl },
    ];
  }
}

/** Rights URIs that may allow mining; the engine decides which really do. */
const FREE_RIGHTS_CANDIDATES = [
  'http://creativecommons.org/publicdomain/zero/1.0/',
  'https://creativecommons.org/publicdomain/zero/1.0/',
  'http://creativecommons.org/publicdomain/mark/1.0/',
  'https://creativecommons.org/publicdomain/mark/1.0/',
  ...['by', 'by-sa', 'by-nd'].flatMap((code) => ['4.0', '3.0'].flatMap((v) => [`http://creativecommons.org/licenses/${code}/${v}/`, `https://creativecommons.org/licenses/${code}/${v}/`])),
  'http://rightsstatements.org/vocab/NoC-US/1.0/',
  'http://rightsstatements.org/vocab/NoC-OKLR/1.0/',
];
