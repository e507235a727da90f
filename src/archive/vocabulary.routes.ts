import type { Api } from '../platform/http/routes.js';
import { HERITAGE_LABELS, INDUSTRY_LABELS } from './classification.js';
import { PERIOD_LABELS } from './date-range.js';

/** Labels for coded values (classification, heritage type, periods) in every UI language. */
export function vocabularyRoutes(api: Api): void {
  api.get('/vocabulary', { schema: { tags: ['catalogue'] } }, async () => ({
    industry: INDUSTRY_LABELS,
    heritage: HERITAGE_LABELS,
    period: PERIOD_LABELS,
  }));
}
