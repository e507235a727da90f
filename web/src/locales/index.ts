/**
 * The message catalogues: one flat FormatJS/ICU JSON file per namespace and language
 * (`locales/<lang>/<namespace>.json`). English is the source; its keys make `MessageKey`, so a
 * wrong key fails the type check, and the Chinese catalogue is typed against it.
 */
import enAccount from './en/account.json';
import enAdmin from './en/admin.json';
import enAudit from './en/audit.json';
import enBrowse from './en/browse.json';
import enCatalogue from './en/catalogue.json';
import enCommon from './en/common.json';
import enExhibitions from './en/exhibitions.json';
import enBulk from './en/bulk.json';
import enHome from './en/home.json';
import enLicense from './en/license.json';
import enLicenseAdmin from './en/license-admin.json';
import enPrivacy from './en/privacy.json';
import enProtect from './en/protect.json';
import enRecommend from './en/recommend.json';
import enRegistry from './en/registry.json';
import enReview from './en/review.json';
import enSecurity from './en/security.json';
import enServerErrors from './en/server-errors.json';
import enSetup from './en/setup.json';
import enWork from './en/work.json';
import enTransfer from './en/transfer.json';
import zhAccount from './zh-Hans/account.json';
import zhAdmin from './zh-Hans/admin.json';
import zhAudit from './zh-Hans/audit.json';
import zhBrowse from './zh-Hans/browse.json';
import zhCatalogue from './zh-Hans/catalogue.json';
import zhCommon from './zh-Hans/common.json';
import zhExhibitions from './zh-Hans/exhibitions.json';
import zhBulk from './zh-Hans/bulk.json';
import zhHome from './zh-Hans/home.json';
import zhLicense from './zh-Hans/license.json';
import zhLicenseAdmin from './zh-Hans/license-admin.json';
import zhPrivacy from './zh-Hans/privacy.json';
import zhProtect from './zh-Hans/protect.json';
import zhRecommend from './zh-Hans/recommend.json';
import zhRegistry from './zh-Hans/registry.json';
import zhReview from './zh-Hans/review.json';
import zhSecurity from './zh-Hans/security.json';
import zhServerErrors from './zh-Hans/server-errors.json';
import zhSetup from './zh-Hans/setup.json';
import zhWork from './zh-Hans/work.json';
import zhTransfer from './zh-Hans/transfer.json';

/** Each language's catalogue, namespace by namespace (the tests compare them file by file). */
export const CATALOGUES = {
  en: {
    common: enCommon,
    catalogue: enCatalogue,
    work: enWork,
    admin: enAdmin,
    audit: enAudit,
    account: enAccount,
    registry: enRegistry,
    protect: enProtect,
    setup: enSetup,
    home: enHome,
    bulk: enBulk,
    exhibitions: enExhibitions,
    browse: enBrowse,
    recommend: enRecommend,
    license: enLicense,
    'license-admin': enLicenseAdmin,
    security: enSecurity,
    'server-errors': enServerErrors,
    privacy: enPrivacy,
    review: enReview,
    transfer: enTransfer,
  },
  'zh-Hans': {
    common: zhCommon,
    catalogue: zhCatalogue,
    work: zhWork,
    admin: zhAdmin,
    audit: zhAudit,
    account: zhAccount,
    registry: zhRegistry,
    protect: zhProtect,
    setup: zhSetup,
    home: zhHome,
    bulk: zhBulk,
    exhibitions: zhExhibitions,
    browse: zhBrowse,
    recommend: zhRecommend,
    license: zhLicense,
    'license-admin': zhLicenseAdmin,
    security: zhSecurity,
    'server-errors': zhServerErrors,
    privacy: zhPrivacy,
    review: zhReview,
    transfer: zhTransfer,
  },
} as const;

const en = { ...enCommon, ...enCatalogue, ...enWork, ...enAdmin, ...enAudit, ...enAccount, ...enRegistry, ...enProtect, ...enSetup, ...enHome, ...enBulk, ...enExhibitions, ...enBrowse, ...enRecommend, ...enLicense, ...enLicenseAdmin, ...enSecurity, ...enServerErrors, ...enPrivacy, ...enReview, ...enTransfer };

/** Every message key, from the English catalogue. */
export type MessageKey = keyof typeof en;

const zhHans: Record<MessageKey, string> = { ...zhCommon, ...zhCatalogue, ...zhWork, ...zhAdmin, ...zhAudit, ...zhAccount, ...zhRegistry, ...zhProtect, ...zhSetup, ...zhHome, ...zhBulk, ...zhExhibitions, ...zhBrowse, ...zhRecommend, ...zhLicense, ...zhLicenseAdmin, ...zhSecurity, ...zhServerErrors, ...zhPrivacy, ...zhReview, ...zhTransfer };

/** All messages of each interface language, keyed by message key. */
export const MESSAGES: { en: Record<MessageKey, string>; 'zh-Hans': Record<MessageKey, string> } = { en, 'zh-Hans': zhHans };
