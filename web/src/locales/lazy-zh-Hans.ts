/**
 * The namespaces fetched after the first page, in Chinese (one chunk): server errors and what
 * signed-in and staff pages say. A namespace not in `eager.ts` must be here (catalogues.test.ts checks).
 */
import zhServerErrors from './zh-Hans/server-errors.json';
import zhAdmin from './zh-Hans/admin.json';
import zhAudit from './zh-Hans/audit.json';
import zhSecurity from './zh-Hans/security.json';
import zhSetup from './zh-Hans/setup.json';
import zhProtect from './zh-Hans/protect.json';
import zhRegistry from './zh-Hans/registry.json';
import zhBrowse from './zh-Hans/browse.json';
import zhAccount from './zh-Hans/account.json';
import zhLicenseAdmin from './zh-Hans/license-admin.json';
import zhPrivacy from './zh-Hans/privacy.json';
import zhReview from './zh-Hans/review.json';
import zhTransfer from './zh-Hans/transfer.json';

/** The namespaces in this chunk. */
export const NAMESPACES = ['server-errors', 'admin', 'audit', 'security', 'setup', 'protect', 'registry', 'browse', 'account', 'license-admin', 'privacy', 'review', 'transfer'];

export const MESSAGES: Record<string, string> = { ...zhServerErrors, ...zhAdmin, ...zhAudit, ...zhSecurity, ...zhSetup, ...zhProtect, ...zhRegistry, ...zhBrowse, ...zhAccount, ...zhLicenseAdmin, ...zhPrivacy, ...zhReview, ...zhTransfer };
