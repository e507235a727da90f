import type { ReuseFlagsRepository } from './reuse-flags.repository.js';
import { maskOf, type CollectionReuseFlags, type ReuseFlags, type RightsUriFlags } from './reuse-flags.js';

/**
 * The catalogue's reuse filters, fed by license (above discover, so it calls in): a mapping from
 * rights URI to flags, applied to every work as the facet index reads it (so an archive edit of a
 * rights URI needs nobody's help), and per-work flags for works whose terms are more than their URI
 * (a licence or offer on the work, heritage rules) and per-collection flags its works inherit (so a
 * work filed there later has them), written by license whenever those terms change.
 */
export class ReuseFlagsService {
  private mapping: RightsUriFlags | null = null;
  private readonly masks = new Map<string, number>();

  constructor(private readonly repository: ReuseFlagsRepository) {}

  /** License's mapping from rights URI to flags; without one, works without per-work flags have none. */
  setRightsMapping(mapping: RightsUriFlags): void {
    this.mapping = mapping;
    this.masks.clear();
  }

  /** The flags bitmask of a rights URI (remembered: a catalogue has few distinct URIs). */
  maskOfRights(rightsUri: string | null): number {
    if (rightsUri === null || !this.mapping) return 0;
    let mask = this.masks.get(rightsUri);
    if (mask === undefined) {
      mask = maskOf(this.mapping(rightsUri));
      this.masks.set(rightsUri, mask);
    }
    return mask;
  }

  /** Sets the flags of works (null: their rights URI decides again), visible to the next search. */
  async setFlags(entries: readonly { workSeq: number; flags: ReuseFlags | null }[]): Promise<void> {
    // Chunks keep one transaction (and its catalogue version) from holding a large collection's works.
    for (let i = 0; i < entries.length; i += 500) await this.repository.write(entries.slice(i, i + 500));
  }

  /** Sets what the works of collections inherit (null: nothing, their rights URIs decide). */
  async setCollectionFlags(entries: readonly { collectionId: string; flags: CollectionReuseFlags | null }[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 500) await this.repository.writeCollections(entries.slice(i, i + 500));
  }

  /** Works directly in some collections that have flags of their own, by seq after `afterSeq`, at most `limit`. */
  flaggedWorksIn(collectionIds: readonly string[], afterSeq: number, limit: number): Promise<{ id: string; seq: number }[]> {
    return this.repository.flaggedWorksIn(collectionIds, afterSeq, limit);
  }

  /** Whether flags were ever written (else license backfills them). */
  hasFlags(): Promise<boolean> {
    return this.repository.any();
  }
}
