import type { CollectionService } from '../archive/collection.service.js';
import type { WorkReader } from '../archive/work.repository.js';
import type { CatalogueService } from '../discover/catalogue.service.js';
import { AnswerCache } from '../discover/answer-cache.js';
import { ANONYMOUS, canReadWork, type Actor } from '../govern/roles.js';
import type { InstanceService } from '../instance/instance.service.js';
import { AppError } from '../platform/errors.js';
import { canEditShowcase, type ExhibitionService } from './exhibition.service.js';
import type { HomeRepository } from './home.repository.js';
import type { Home, HomeSettings } from './showcase.contract.js';
import { discoverySeed, seededFractions } from './discovery.js';
import type { ShowcaseWorks } from './showcase-works.js';
import { CommonErrors } from '../platform/errors.js';
import './showcase.errors.js';

/** How many works the discovery strip and the default featured row show. */
const DISCOVERY_SIZE = 8;
const RECENT_SIZE = 8;
/** Collections shown when the curator has chosen none. */
const DEFAULT_COLLECTIONS = 6;
const DEFAULT_EXHIBITIONS = 3;

const EMPTY_SETTINGS: HomeSettings = { featuredWorkIds: [], featuredCollectionIds: [], featuredExhibitionIds: [] };

/**
 * The home page: what a curator chose (hero text, works, collections, exhibitions), with sensible
 * defaults while nothing is chosen, a daily "discovery" draw of public works, entry points by
 * category, and what is left to do for staff of an instance that shows nothing yet. Everything a
 * visitor sees here is public; the anonymous answer is cached briefly (it is the busiest page).
 */
export class HomeService {
  /** Bumped by every change this process makes to exhibitions or settings; other processes' changes show within the cache's age. */
  private localVersion = 0;
  private readonly anonymousAnswers = new AnswerCache<Home>(64, 30_000);

  constructor(
    private readonly deps: {
      repo: HomeRepository;
      exhibitions: ExhibitionService;
      works: ShowcaseWorks;
      reader: Pick<WorkReader, 'findById' | 'publicImageWorksAt' | 'catalogueVersion'>;
      collections: Pick<CollectionService, 'list' | 'subtreeIds'>;
      catalogue: Pick<CatalogueService, 'search'>;
      instance: Pick<InstanceService, 'identity'>;
      now: () => Date;
    },
  ) {}

  /** Forget cached answers (an exhibition or the settings changed). */
  changed(): void {
    this.localVersion++;
  }

  async settings(actor: Actor): Promise<HomeSettings> {
    requireEditor(actor);
    return this.stored();
  }

  private async stored(): Promise<HomeSettings> {
    const row = await this.deps.repo.find();
    return row ? { ...EMPTY_SETTINGS, ...(JSON.parse(row.settings) as Partial<HomeSettings>) } : EMPTY_SETTINGS;
  }

  /** Saves the settings; refuses works that are gone or private, collections that are gone or private, and unknown exhibitions. */
  async saveSettings(actor: Actor, input: HomeSettings): Promise<HomeSettings> {
    requireEditor(actor);
    const settings: HomeSettings = {
      ...(input.heroTitle ? { heroTitle: input.heroTitle } : {}),
      ...(input.heroText ? { heroText: input.heroText } : {}),
      featuredWorkIds: [...new Set(input.featuredWorkIds)],
      featuredCollectionIds: [...new Set(input.featuredCollectionIds)],
      featuredExhibitionIds: [...new Set(input.featuredExhibitionIds)],
    };
    const where = { sectionId: '', place: 'featured' };
    for (const workId of settings.featuredWorkIds) {
      const row = await this.deps.reader.findById(workId);
      if (!row || !canReadWork(actor, row)) throw new AppError('invalid_reference', `work ${workId} does not exist`, { key: 'showcase.unknown_work', params: { workId, ...where } });
      if (row.visibility !== 'public') {
        throw new AppError('invalid_reference', `work ${workId} is private: the home page shows public works only`, { key: 'showcase.private_work', params: { workId, ...where }, details: { workId } });
      }
    }
    const collections = new Map((await this.deps.collections.list(actor)).map((c) => [c.id, c]));
    for (const collectionId of settings.featuredCollectionIds) {
      const collection = collections.get(collectionId);
      if (!collection) throw new AppError('invalid_reference', `collection ${collectionId} does not exist`, { key: 'showcase.unknown_collection', params: { collectionId } });
      if (collection.visibility !== 'public') throw new AppError('invalid_reference', `collection ${collectionId} is private: the home page shows public collections only`, { key: 'showcase.private_collection', params: { collectionId } });
    }
    const [missing] = await this.deps.exhibitions.missingIds(settings.featuredExhibitionIds);
    if (missing !== undefined) throw new AppError('invalid_reference', `exhibition ${missing} does not exist`, { key: 'showcase.unknown_exhibition', params: { exhibitionId: missing } });
    await this.deps.repo.save(JSON.stringify(settings), this.deps.now().toISOString(), actor.kind === 'user' ? actor.id : null);
    this.changed();
    return settings;
  }

  /** The home page for this reader; `seed` draws another discovery set (the same one for the same seed, all day). */
  async home(actor: Actor, base: string, seed: string | undefined): Promise<Home> {
    const daySeed = discoverySeed(this.deps.now(), seed);
    if (actor.kind !== 'anonymous') return this.compute(actor, base, daySeed);
    // The catalogue's version covers works and their visibility; the local one, exhibitions and settings.
    const version = (await this.deps.reader.catalogueVersion()) * 1_000_000 + this.localVersion;
    return this.anonymousAnswers.get(JSON.stringify([base, daySeed]), version, () => this.compute(actor, base, daySeed));
  }

  private async compute(actor: Actor, base: string, daySeed: string): Promise<Home> {
    const { catalogue } = this.deps;
    const settings = await this.stored();
    // Counts are of public works, whoever asks: the home page is the public face of the archive.
    const overall = await catalogue.search(ANONYMOUS, { pageSize: 1 });
    const featuredIds = settings.featuredWorkIds.length > 0 ? settings.featuredWorkIds : (await catalogue.search(ANONYMOUS, { filters: { type: ['image'] }, sort: 'newest', pageSize: RECENT_SIZE })).items.map((w) => w.id);
    const discoveryIds = await this.discoveryIds(daySeed);
    const collections = await this.featuredCollections(settings);
    const works = await this.deps.works.load([...featuredIds, ...discoveryIds, ...collections.flatMap((c) => (c.coverId ? [c.coverId] : []))]);
    const facet = (name: 'industry' | 'heritage' | 'period') => (overall.facets[name] ?? []).map((f) => ({ value: f.value, count: f.count }));
    return {
      heroTitle: settings.heroTitle ?? null,
      heroText: settings.heroText ?? null,
      featuredWorks: works.cards(actor, featuredIds, base),
      featuredCollections: collections.map((c) => ({
        id: c.id,
        name: c.name,
        description: c.description,
        workCount: c.workCount,
        // Covers are public works, so every reader gets the same one.
        cover: c.coverId ? works.card(ANONYMOUS, c.coverId, null, base) : null,
      })),
      exhibitions: await this.deps.exhibitions.published(actor, settings.featuredExhibitionIds, DEFAULT_EXHIBITIONS, base),
      // Discovery is of public works only, even for staff who could read private ones.
      discovery: works.cards(ANONYMOUS, discoveryIds, base),
      categories: { industry: facet('industry'), heritage: facet('heritage'), period: facet('period') },
      publicWorks: overall.total,
      firstRun: canEditShowcase(actor) && overall.total === 0 ? await this.firstRun(actor) : null,
    };
  }

  /** A few public works with images, drawn by seeded positions over the archive (a few index reads, whatever its size). */
  private async discoveryIds(daySeed: string): Promise<string[]> {
    const rows = await this.deps.reader.publicImageWorksAt(seededFractions(daySeed, DISCOVERY_SIZE * 2));
    return [...new Set(rows.map((r) => r.id))].slice(0, DISCOVERY_SIZE);
  }

  /** The chosen public collections (else the top-level public ones that hold public works), with counts and a cover work. */
  private async featuredCollections(settings: HomeSettings) {
    const visible = await this.deps.collections.list(ANONYMOUS);
    const chosen = settings.featuredCollectionIds.length > 0;
    const candidates = chosen
      ? settings.featuredCollectionIds.flatMap((id) => visible.filter((c) => c.id === id && c.visibility === 'public'))
      : visible.filter((c) => c.visibility === 'public' && c.parentId === null);
    const out: { id: string; name: Record<string, string>; description: Record<string, string> | null; workCount: number; coverId: string | null }[] = [];
    for (const collection of candidates) {
      if (!chosen && out.length >= DEFAULT_COLLECTIONS) break;
      const collectionIds = await this.deps.collections.subtreeIds(collection.id);
      // One search: its newest public image, and (by the type facet, which ignores its own filter) every public work.
      const page = await this.deps.catalogue.search(ANONYMOUS, { collectionIds, filters: { type: ['image'] }, sort: 'newest', pageSize: 1 });
      const workCount = (page.facets.type ?? []).reduce((sum, f) => sum + f.count, 0);
      if (!chosen && workCount === 0) continue;
      out.push({ id: collection.id, name: collection.name, description: collection.description, workCount, coverId: page.items[0]?.id ?? null });
    }
    return out;
  }

  private async firstRun(actor: Actor): Promise<NonNullable<Home['firstRun']>> {
    const all = await this.deps.catalogue.search(actor, { pageSize: 1 });
    const identity = await this.deps.instance.identity();
    return {
      works: all.total,
      publicWorks: 0,
      institutionNamed: Object.values(identity.name).some((v) => typeof v === 'string' && v.trim() !== ''),
      hasLogo: identity.logoUrl !== null,
    };
  }
}

function requireEditor(actor: Actor): void {
  if (!canEditShowcase(actor)) throw CommonErrors.forbidden('only admins and curators compose the home page', { key: 'auth.role_required', params: { roles: 'admin,curator' } });
}
