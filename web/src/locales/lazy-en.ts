/**
 * The namespaces fetched after the first page, in English (one chunk): server errors and what
 * signed-in and staff pages say. A namespace not in `eager.ts` must be here (catalogues.test.ts checks).
 */
import enServerErrors from './en/server-errors.json';
import enAdmin from './en/admin.json';
import enAudit from './en/audit.json';
import enSecurity from './en/security.json';
import enSetup from './en/setup.json';
import enProtect from './en/protect.json';
import enRegistry from './en/registry.json';
import enBrowse from './en/browse.json';
import enAccount from './en/account.json';
import enLicenseAdmin from './en/license-admin.json';
import enPrivacy from './en/privacy.json';
import enReview from './en/review.json';
import enTransfer from './en/transfer.json';

/** The namespaces in this chunk. */
export const NAMESPACES = ['server-errors', 'admin', 'audit', 'security', 'setup', 'protect', 'registry', 'browse', 'account', 'license-admin', 'privacy', 'review', 'transfer'];

export const MESSAGES: Record<string, string> = { ...enServerErrors, ...enAdmin, ...enAudit, ...enSecurity, ...enSetup, ...enProtect, ...enRegistry, ...enBrowse, ...enAccount, ...enLicenseAdmin, ...enPrivacy, ...enReview, ...enTransfer };
