import type { Api } from '../platform/http/api.js';
import { HERITAGE_LABELS, INDUSTRY_LABELS } from './classification.js';
import { PERIOD_LABELS } from './date-range.js';
import { GAZETTEER } from './gazetteer.js';
import { vocabularySchema } from './vocabulary.contract.js';

/** Place names in the UI languages, by gazetteer key: the place facet's values are keys (cn-330100). */
const PLACE_LABELS = Object.fromEntries(GAZETTEER.map((p) => [p.key, { 'zh-Hans': p.names['zh-Hans'], en: p.names.en }]));

/** Labels for coded values (classification, heritage type, periods, places) in every UI language. */
export function vocabularyRoutes(api: Api): void {
  api.get('/vocabulary', { schema: { tags: ['catalogue'], response: { 200: vocabularySchema } } }, async () => ({
    industry: INDUSTRY_LABELS,
    heritage: HERITAGE_LABELS,
    period: PERIOD_LABELS,
    place: PLACE_LABELS,
  }));
}
