import type { ArchiveServices } from '../archive/archive.module.js';
import type { DiscoverServices } from '../discover/discover.module.js';
import type { GovernServices } from '../govern/govern.module.js';
import type { Actor } from '../govern/roles.js';
import type { PublicLinks } from '../platform/public-url.js';
import type { Database } from '../platform/db/database.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import type { ModuleParts } from '../platform/module.js';
import type { ProtectServices } from '../protect/protect.module.js';
import type { RegistryServices } from '../registry/registry.module.js';
import type { TransferServices } from '../transfer/transfer.module.js';
import { HeritageService } from './heritage.service.js';
import { LicenseRepository } from './license.repository.js';
import { tdmRepSchema } from './license.contract.js';
import { licenseRoutes } from './license.routes.js';
import { OrderService } from './order.service.js';
import { ReuseFlagsPublisher, type TermsTarget } from './reuse-flags.service.js';
import { RoyaltyService } from './royalty.service.js';
import { TdmService } from './tdm.service.js';
import { TermsService } from './terms.service.js';
import './license.errors.js';
import { LicensePersonalData } from './personal-data.repository.js';

/** Puts grants, revocations and settlement batches into the transparency log when the first try could not. */
export const LICENSE_REGISTER_JOB = 'license.register';
/** Works out the catalogue's reuse flags of a collection's (or heritage element's) works, or of all governed works. */
export const LICENSE_REUSE_FLAGS_JOB = 'license.reuse-flags';

export interface LicensePorts {
  database: Database;
  jobs: JobQueue;
  wakeWorkers: () => void;
  govern: Pick<GovernServices, 'identity' | 'audit'>;
  archive: Pick<ArchiveServices, 'workReader' | 'collections' | 'extensions'>;
  /** The catalogue's reuse filters ("free to reuse", "licensable", "AI training allowed") follow terms. */
  discover: Pick<DiscoverServices, 'reuseFlags'>;
  registry: Pick<RegistryServices, 'registry'>;
  protect: Pick<ProtectServices, 'watermarkCopies' | 'scans'>;
  links: PublicLinks;
  /** Cross-border transfer rules: a licensed copy leaves for the licensee's country only if they allow it. */
  transfer?: TransferServices;
  /** The clock (tests move it to see grants expire). */
  now?: () => Date;
}

export interface LicenseServices {
  terms: TermsService;
  heritage: HeritageService;
  orders: OrderService;
  royalties: RoyaltyService;
  tdm: TdmService;
  /** The repository itself, for the CLI, benchmarks and tests only. */
  licenseRepository: LicenseRepository;
}

/**
 * Licensing and trade: terms as ODRL policies (a public licence and offers per work or collection,
 * rules per heritage element), the policy engine's "may I?", orders → grants registered in the
 * transparency log and backing watermarked copies, royalty splits and a double-entry ledger.
 */
export function createLicenseModule(ports: LicensePorts): ModuleParts<LicenseServices> {
  const { database, archive, registry, protect, govern } = ports;
  const now = ports.now ?? (() => new Date());
  const repo = new LicenseRepository(database);
  const works = archive.workReader;
  // Documents (agreements, revocations, settlements) are registered by the person who decided them.
  const registerDocument = async (actor: Actor, sha256: string): Promise<string | null> => (await registry.registry.registerDocument(actor, sha256)).registrationId;
  const actorOf = async (userId: string): Promise<Actor | null> => {
    const user = await govern.identity.getUser(userId).catch(() => null);
    return user && !user.disabled ? { kind: 'user', id: user.id, username: user.username, role: user.role } : null;
  };
  // A work's or collection's flags change with its request; a heritage element's reach many works, in a job.
  const termsChanged = async (target: TermsTarget): Promise<void> => {
    // The AI-training answer in headers follows at once (a collection's or element's change reaches many works).
    tdm.forget(target.type === 'work' ? target.id : undefined);
    if (target.type !== 'heritage') return reuseFlags.refreshTarget(target);
    await ports.jobs.enqueue(database.db, LICENSE_REUSE_FLAGS_JOB, target, { dedupeKey: `${LICENSE_REUSE_FLAGS_JOB}:${target.type}:${target.id}` });
    ports.wakeWorkers();
  };
  const terms = new TermsService({ repo, works, collections: archive.collections, now, termsChanged });
  const reuseFlags = new ReuseFlagsPublisher({ repo, terms, works, collections: archive.collections, flags: ports.discover.reuseFlags, now });
  reuseFlags.registerMapping();
  const heritage = new HeritageService({ repo, terms, works, now });
  const royalties = new RoyaltyService({ repo, works, now, registerDocument, actorOf, audit: govern.audit });
  const tdm = new TdmService({ repo, works, terms, now, absolute: (path) => ports.links.absolute(path) });
  const orders = new OrderService({
    repo,
    audit: govern.audit,
    works,
    terms,
    royalties,
    now,
    registerDocument,
    receiptOf: async (registrationId) => {
      const status = await registry.registry.status(registrationId);
      return status.status === 'sequenced' ? status.receipt : null;
    },
    actorOf,
    userName: async (id) => {
      const user = await govern.identity.getUser(id).catch(() => null);
      return user ? user.displayName || user.username : id;
    },
    makeCopy: async (input) => {
      // Refused or unassessed: the grant stays valid, but no copy leaves (the decision is logged).
      await ports.transfer?.transfers.licensedCopies.check({ workId: input.workId, licenseeUserId: input.licenseeUserId, actor: input.issuedBy });
      return protect.watermarkCopies.issueUnderGrant(input);
    },
    scheduleRegistration: async () => {
      await ports.jobs.enqueue(database.db, LICENSE_REGISTER_JOB, {}, { dedupeKey: LICENSE_REGISTER_JOB, runAt: new Date(Date.now() + 60_000) });
      ports.wakeWorkers();
    },
  });
  // A scan that decodes a licensed copy says whether its grant is valid, expired or revoked.
  protect.scans.setCopyStatus((reference) => orders.stateOfReference(reference));
  // A licensed work is never deleted with an erased person's works; a deleted one's terms and splits go with it.
  const personalData = new LicensePersonalData(database);
  archive.extensions.addWorkRemover(personalData);

  return {
    services: { terms, heritage, orders, royalties, tdm, licenseRepository: repo },
    personalData,
    routes: (api) => licenseRoutes(api, { terms, heritage, orders, royalties, tdm }),
    mounts: [
      {
        prefix: '/.well-known',
        perMinute: 60,
        cors: true,
        routes: (api) => {
          api.get('/tdmrep.json', { schema: { tags: ['license'], description: 'W3C TDMRep: which works may be mined (AI training); everything else is reserved.', response: { 200: tdmRepSchema } } }, async (_request, reply) => {
            const policy = await ports.links.absolute('/api/license/tdm-policy');
            return reply.header('cache-control', 'public, max-age=300').send(await tdm.tdmrep(policy));
          });
        },
      },
    ],
    responseHeaders: (url) => tdm.headersFor(url),
    jobs: {
      [LICENSE_REGISTER_JOB]: async () => {
        await orders.registerPending();
        await royalties.registerPending();
      },
      [LICENSE_REUSE_FLAGS_JOB]: async (payload) => {
        const target = payload as Partial<TermsTarget> & { all?: boolean };
        if (target.all) await reuseFlags.refreshAll();
        else if (target.type && target.id) await reuseFlags.refreshTarget({ type: target.type, id: target.id });
      },
    },
    // Terms written before the catalogue filtered by them are worked out once, in the background.
    init: async () => {
      if (!(await ports.discover.reuseFlags.hasFlags()) && (await repo.policyTargets()).length > 0) {
        await ports.jobs.enqueue(database.db, LICENSE_REUSE_FLAGS_JOB, { all: true }, { dedupeKey: `${LICENSE_REUSE_FLAGS_JOB}:all` });
      }
    },
  };
}
