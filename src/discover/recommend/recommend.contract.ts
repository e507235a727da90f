import { z } from 'zod';
import { langMapSchema } from '../../archive/metadata.schema.js';
import { workSummarySchema } from '../catalogue.contract.js';

/** What a person did with a work that the recommender may learn from (only with their consent). */
export const SIGNAL_KINDS = ['view', 'dwell', 'zoom', 'favourite', 'play', 'download', 'license', 'not_interested'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export const signalSchema = z
  .object({
    workId: z.string().min(1).max(64),
    kind: z.enum(SIGNAL_KINDS),
    /** For `dwell`: seconds spent on the work's page (capped at an hour). */
    seconds: z.number().min(0).max(3600).optional(),
  })
  .meta({ id: 'RecommendationSignal' });

export const signalResultSchema = z.object({ recorded: z.boolean().describe('false when the person has not consented (nothing was stored) or the work is not readable') }).meta({ id: 'RecommendationSignalResult' });

export const consentSchema = z
  .object({
    consented: z.boolean(),
    since: z.string().nullable().describe('When consent was given (ISO 8601), or null'),
  })
  .meta({ id: 'RecommendationConsent' });

export const consentBodySchema = z.object({ consented: z.boolean().describe('true to let the recommender learn from what you do; false withdraws it and erases your profile at once') });

/** Why a work is in a list; the interface says it in the reader's language. */
export const reasonSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('because'), workId: z.string(), title: langMapSchema }).describe('Similar to a work the person looked at'),
    z.object({ kind: z.literal('unexplored-category'), facet: z.enum(['industry', 'heritage']), value: z.string() }).describe('A category the person has not explored yet'),
    z.object({ kind: z.literal('long-tail'), workId: z.string().nullable(), title: langMapSchema.nullable() }).describe('A less-seen work, near something the person looked at when workId is set'),
    z.object({ kind: z.literal('curators-pick') }),
    z.object({ kind: z.literal('popular') }).describe('Often looked at by others'),
    z.object({ kind: z.literal('random-category'), facet: z.enum(['industry', 'heritage']), value: z.string() }).describe('Drawn at random from a category, in the non-personalised mode'),
    z.object({ kind: z.literal('new-work') }).describe('Recently added'),
  ])
  .meta({ id: 'RecommendationReason' });
export type RecommendationReason = z.infer<typeof reasonSchema>;

export const RECOMMENDATION_MODES = ['personal', 'general'] as const;

export const feedQuerySchema = z.object({
  mode: z.enum(RECOMMENDATION_MODES).optional().describe('personal (needs consent and a signed-in person; otherwise general is served) or general: curated picks, popular works and random works by category, the same for everyone'),
  slider: z.coerce.number().min(0).max(1).optional().describe('0 = familiar … 1 = explore; default 0.5'),
  limit: z.coerce.number().int().min(1).max(48).optional(),
  exclude: z.string().max(48 * 40).optional().describe('Comma-separated work ids already shown ("show me something different")'),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).optional().describe('Varies the random part of the general mode'),
});

export const feedSchema = z
  .object({
    mode: z.enum(RECOMMENDATION_MODES).describe('The mode actually served'),
    slider: z.number(),
    consented: z.boolean(),
    items: z.array(z.object({ work: workSummarySchema, reason: reasonSchema })),
  })
  .meta({ id: 'RecommendationFeed' });
export type RecommendationFeed = z.infer<typeof feedSchema>;

export const moreLikeThisSchema = z
  .object({ items: z.array(z.object({ work: workSummarySchema, reason: reasonSchema })) })
  .meta({ id: 'MoreLikeThis' });

export const picksSchema = z.object({ workIds: z.array(z.string().min(1).max(64)).max(100) }).meta({ id: 'RecommendationPicks' });

export const curatorViewSchema = z
  .object({
    picks: z.array(workSummarySchema),
    model: z.object({
      builtAt: z.string().nullable(),
      works: z.number().describe('Public works the model knows'),
      people: z.number().describe('Consenting people whose signals it learnt from'),
      interactions: z.number(),
      method: z.enum(['ease', 'item-knn', 'content-only']),
    }),
    exposure: z
      .object({
        lists: z.number().describe('Lists simulated (consenting people, at the default slider)'),
        coverage: z.number().describe('Share of public works appearing in at least one list'),
        longTailShare: z.number().describe('Share of places given to the 80 % least-looked-at works'),
        gini: z.number().describe('Gini coefficient of exposure (0 even … 1 a few works get everything)'),
        categoryShares: z.array(z.object({ facet: z.enum(['industry', 'heritage']), value: z.string(), share: z.number() })),
      })
      .describe('What the recommender would show now, measured by building the lists, not by tracking visitors'),
  })
  .meta({ id: 'RecommendationCuratorView' });
export type CuratorView = z.infer<typeof curatorViewSchema>;
