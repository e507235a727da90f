import { z } from 'zod';
import { creatorRoleSchema, langMapView, visibilitySchema, workDateView } from '../archive/work.contract.js';
import { FACETS, type FacetName } from './facets.js';
import { SNIPPET_FIELDS } from './search-snippet.js';
import { RIGHTS_USES } from './reuse-flags.js';

/** The shapes of the catalogue route (GET /api/works). */

export const FACET_NAMES = Object.keys(FACETS) as [FacetName, ...FacetName[]];
export const facetNameSchema = z.enum(FACET_NAMES).meta({ id: 'FacetName' });

export const snippetSchema = z
  .object({
    field: z.enum(SNIPPET_FIELDS).describe('The metadata field quoted: the one that matched best (title over creator over inscription over the rest).'),
    lang: z.string().nullable().describe('The language tag of the quoted text (the language whose text matched), or null when the field has none.'),
    segments: z.array(z.object({ text: z.string(), match: z.boolean() })).describe('The quoted window (about 110 characters, … where text was left out) as runs of plain text; `match` runs are what the query matched (to mark, never HTML).'),
  })
  .meta({ id: 'SearchSnippet' });

export const workSummarySchema = z
  .object({
    id: z.string(),
    title: langMapView,
    creators: z.array(z.object({ name: langMapView, role: creatorRoleSchema })),
    date: workDateView.nullable(),
    workType: z.string(),
    visibility: visibilitySchema,
    thumbnail: z.object({ url: z.string(), width: z.number().int(), height: z.number().int() }).nullable(),
    placeholder: z.string().nullable().describe('ThumbHash of the main image, base64, to paint while the thumbnail loads.'),
    snippet: snippetSchema.nullable().optional().describe('With a text query: where the work matched, marked (null when nothing quotable matched, such as a typo-tolerant match in a field not quoted).'),
  })
  .meta({ id: 'WorkSummary' });

export const facetCountSchema = z.object({ value: z.string(), count: z.number().int() }).meta({ id: 'FacetCount' });

export const cataloguePageSchema = z
  .object({
    items: z.array(workSummarySchema),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
    sortedBy: z.enum(['relevance', 'title', 'date', 'newest']).describe('The order applied: `newest` when relevance was asked for but the search matched too many works to rank (add a word to rank them).'),
    facets: z.partialRecord(facetNameSchema, z.array(facetCountSchema)).describe('The most frequent values of each facet among the matching works (visibility: signed-in users only).'),
    rightsUse: z
      .array(z.object({ value: z.enum(RIGHTS_USES), count: z.number().int() }))
      .optional()
      .describe('How many of the matching works allow each use (the `rights_use` filter): free to reuse, licensable (an offer), AI training allowed.'),
    approximate: z
      .boolean()
      .optional()
      .describe('True when `total`, the facet counts and `rightsUse` are estimates: on a PostgreSQL instance counting in the database, a selection of more than 5,000 works is counted on a 1-in-32 sample of the catalogue.'),
  })
  .meta({ id: 'CataloguePage' });

export type WorkSummary = z.infer<typeof workSummarySchema>;
export type CataloguePage = z.infer<typeof cataloguePageSchema>;
export type SearchSnippet = z.infer<typeof snippetSchema>;
