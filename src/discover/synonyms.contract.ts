import { z } from 'zod';

/** The shapes of the thesaurus routes (GET and PUT /api/search/synonyms). */

export const MAX_SYNONYM_GROUPS = 500;
export const MAX_GROUP_VARIANTS = 20;

export const synonymGroupSchema = z
  .array(z.string().trim().min(1).max(100))
  .min(2)
  .max(MAX_GROUP_VARIANTS)
  .describe('Words or phrases that stand for one another in a search (国画, 中国画, Chinese painting).');

export const synonymsSchema = z
  .object({
    groups: z.array(synonymGroupSchema).max(MAX_SYNONYM_GROUPS),
  })
  .meta({ id: 'SearchSynonyms' });

export type Synonyms = z.infer<typeof synonymsSchema>;
