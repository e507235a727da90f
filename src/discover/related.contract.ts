import { z } from 'zod';
import { workSummarySchema } from './catalogue.contract.js';

/** The shape of GET /api/works/:id/related. */
export const relatedWorksSchema = z
  .object({
    sameCreator: z.array(workSummarySchema).describe('Other works by any of its creators (anonymous-creator placeholders such as 佚名 excepted).'),
    samePeriod: z.array(workSummarySchema).describe('Works of the same period (dynasty or century), the closest in date first.'),
    period: z.string().nullable().describe('The period key the same-period works share (a catalogue `period` facet value), or null.'),
    moreLikeThis: z.array(workSummarySchema).describe('Works sharing its subjects, medium or industry category, the most alike first; none repeated from the rows above.'),
  })
  .meta({ id: 'RelatedWorks' });

export type RelatedWorks = z.infer<typeof relatedWorksSchema>;
