import { z } from 'zod';
import { heritageTypeSchema, industryCodeSchema } from './work.contract.js';

/** A coded value's name in each UI language. */
export const labelsSchema = z.object({ 'zh-Hans': z.string(), en: z.string() }).meta({ id: 'Labels' });

/** 01–06 form the core field of the classification, 07–09 the related field. */
export const industryFieldSchema = z.enum(['core', 'related']).meta({ id: 'IndustryField' });

/** GET /api/vocabulary: the labels of coded values (classification, heritage type, periods, places). */
export const vocabularySchema = z
  .object({
    industry: z.record(industryCodeSchema, labelsSchema.extend({ field: industryFieldSchema })),
    heritage: z.record(heritageTypeSchema, labelsSchema),
    period: z.record(z.string(), labelsSchema).describe('Dynasties and other named periods, by the key the `period` facet uses.'),
    place: z.record(z.string(), labelsSchema).describe('Gazetteer places (countries, Chinese provinces and prefectures), by the key the `place` facet uses.'),
  })
  .meta({ id: 'Vocabulary' });
export type Vocabulary = z.infer<typeof vocabularySchema>;
