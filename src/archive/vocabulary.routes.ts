import type { Api } from '../platform/http/api.js';
import { HERITAGE_LABELS, INDUSTRY_LABELS } from './classification.js';
import { PERIOD_LABELS } from './date-range.js';
import { vocabularySchema } from './vocabulary.contract.js';

/** Labels for coded values (classification, heritage type, periods) in every UI language. */
export function vocabularyRoutes(api: Api): void {
  api.get('/vocabulary', { schema: { tags: ['catalogue'], response: { 200: vocabularySchema } } }, async () => ({
    industry: INDUSTRY_LABELS,
    heritage: HERITAGE_LABELS,
    period: PERIOD_LABELS,
  }));
}
