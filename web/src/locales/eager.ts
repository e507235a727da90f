/**
 * The namespaces every first page needs, in both languages: they ship in the entry script, so the
 * home page, the catalogue and the header render in one round trip. Everything else (staff pages,
 * server errors) is in `lazy-<lang>.ts`, fetched for the reader's language only (`runtime.ts`).
 */
import enCommon from './en/common.json';
import enCatalogue from './en/catalogue.json';
import enWork from './en/work.json';
import enHome from './en/home.json';
import enRecommend from './en/recommend.json';
import enExhibitions from './en/exhibitions.json';
import enLicense from './en/license.json';
import enBulk from './en/bulk.json';
import zhCommon from './zh-Hans/common.json';
import zhCatalogue from './zh-Hans/catalogue.json';
import zhWork from './zh-Hans/work.json';
import zhHome from './zh-Hans/home.json';
import zhRecommend from './zh-Hans/recommend.json';
import zhExhibitions from './zh-Hans/exhibitions.json';
import zhLicense from './zh-Hans/license.json';
import zhBulk from './zh-Hans/bulk.json';

/** The namespaces in the entry script. */
export const EAGER_NAMESPACES = ['common', 'catalogue', 'work', 'home', 'recommend', 'exhibitions', 'license', 'bulk'] as const;

export const EAGER_MESSAGES = {
  en: { ...enCommon, ...enCatalogue, ...enWork, ...enHome, ...enRecommend, ...enExhibitions, ...enLicense, ...enBulk },
  'zh-Hans': { ...zhCommon, ...zhCatalogue, ...zhWork, ...zhHome, ...zhRecommend, ...zhExhibitions, ...zhLicense, ...zhBulk },
};
