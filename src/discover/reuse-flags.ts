/**
 * What a reader may do with a work, as the catalogue filters by it: `free` (reuse under the public
 * licence, at least non-commercially), `licensable` (an offer can be bought), `ai` (the public licence
 * allows text and data mining, AI training, for any purpose). License works these out; discover only
 * stores and filters by them, as a bitmask so the facet index tests a work with one AND.
 */
export const RIGHTS_USES = ['free', 'licensable', 'ai'] as const;
export type RightsUse = (typeof RIGHTS_USES)[number];

/** The flags license reports for a work (or for a rights URI alone). */
export interface ReuseFlags {
  freeToReuse: boolean;
  licensable: boolean;
  aiTraining: boolean;
}

/**
 * What the works of a collection inherit: the nearest public licence's flags (it replaces their rights
 * URIs), null when none; and whether an offer covers them.
 */
export interface CollectionReuseFlags {
  licence: { freeToReuse: boolean; aiTraining: boolean } | null;
  licensable: boolean;
}

/** Maps a rights URI to its flags (registered by license; no IO, called once per distinct URI). */
export type RightsUriFlags = (rightsUri: string) => ReuseFlags;

export const USE_BITS: Record<RightsUse, number> = { free: 1, licensable: 2, ai: 4 };

/** The bitmask of a set of flags. */
export function maskOf(flags: ReuseFlags): number {
  return (flags.freeToReuse ? USE_BITS.free : 0) | (flags.licensable ? USE_BITS.licensable : 0) | (flags.aiTraining ? USE_BITS.ai : 0);
}

/**
 * The bits of a work without flags of its own: its collection's licence, else its rights URI's,
 * plus its collection's offers. `collectionLicence` is -1 when no licence is inherited.
 */
export function inheritedMask(rightsMask: number, collectionLicence: number, collectionLicensable: number): number {
  return (collectionLicence >= 0 ? collectionLicence : rightsMask & (USE_BITS.free | USE_BITS.ai)) | collectionLicensable;
}

/** The bitmask every chosen use must be in (0: no filter). */
export function requiredMask(uses: readonly RightsUse[] | undefined): number {
  return (uses ?? []).reduce((mask, use) => mask | USE_BITS[use], 0);
}

/** The works column of each use in `work_reuse_flags`. */
export const USE_COLUMNS = { free: 'free_to_reuse', licensable: 'licensable', ai: 'ai_training' } as const;
