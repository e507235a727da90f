import { z } from 'zod';
import { SUGGESTION_KINDS } from './suggest-index.js';

/** The shapes of search-as-you-type (GET /api/search/suggest). */

export const suggestQuerySchema = z.object({
  q: z.string().max(200).default('').describe('What has been typed so far: a prefix of a title, a creator or a place, in any script, or its pinyin or initials.'),
  limit: z.coerce.number().int().min(1).max(20).default(8),
});

export const suggestionSchema = z
  .object({
    kind: z.enum(SUGGESTION_KINDS),
    label: z.string().describe('The title or name as written.'),
    lang: z.string().describe('The language tag of `label`.'),
    workId: z.string().optional().describe('A title’s work.'),
    count: z.number().int().optional().describe('A creator’s or place’s number of works the reader may see.'),
  })
  .meta({ id: 'SearchSuggestion' });

export const suggestionsSchema = z.object({ items: z.array(suggestionSchema) }).meta({ id: 'SearchSuggestions' });
export type Suggestions = z.infer<typeof suggestionsSchema>;
