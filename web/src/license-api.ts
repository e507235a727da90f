/**
 * The licensing endpoints (issue 14) the licensee's pages call. The shapes are the server's
 * contract (src/license/license.contract.ts), generated into api-schema.ts and named in types.ts.
 */
import { ApiError, CSRF_HEADERS, dispositionFileName, errorFromBody, request } from './api';
import type { components } from './api-schema';
import type { LicenseCheck, LicenseGrant, LicenseGrantStatus, LicenseOrder, LicensePolicy, WorkTerms } from './types';

/** A requested use, as the check and the order send it. */
export type UseRequestInput = components['schemas']['UseRequestInput'];

const enc = encodeURIComponent;

export const licenseApi = {
  terms: (workId: string) => request<WorkTerms>('GET', `/works/${enc(workId)}/terms`),
  offer: (id: string) => request<LicensePolicy>('GET', `/offers/${enc(id)}`),
  check: (workId: string, use: UseRequestInput) => request<LicenseCheck>('POST', '/license/check', { workId, ...use }),
  orders: () => request<{ items: LicenseOrder[] }>('GET', '/orders'),
  order: (id: string) => request<LicenseOrder>('GET', `/orders/${enc(id)}`),
  placeOrder: (input: { workId: string; offerId: string; request: UseRequestInput; licenseeName?: string }) => request<LicenseOrder>('POST', '/orders', input),
  approve: (id: string) => request<LicenseOrder>('POST', `/orders/${enc(id)}/approve`, {}),
  reject: (id: string, note?: string) => request<LicenseOrder>('POST', `/orders/${enc(id)}/reject`, note ? { note } : {}),
  cancel: (id: string) => request<LicenseOrder>('POST', `/orders/${enc(id)}/cancel`, {}),
  pay: (id: string, payment: { amount: string; currency: string; reference?: string }) => request<LicenseOrder>('POST', `/orders/${enc(id)}/payment`, payment),
  grants: () => request<{ items: LicenseGrant[] }>('GET', '/grants'),
  grant: (id: string) => request<LicenseGrant>('GET', `/grants/${enc(id)}`),
  agreement: (id: string) => request<Record<string, unknown>>('GET', `/grants/${enc(id)}/agreement.json`),
  revoke: (id: string, reason: string) => request<LicenseGrant>('POST', `/grants/${enc(id)}/revoke`, { reason }),
  status: (id: string, sha256: string) => request<LicenseGrantStatus>('GET', `/grants/${enc(id)}/status?sha256=${enc(sha256)}`),
};

/** Where the grant's agreement (as hashed into the log) and its receipt are downloaded from. */
export const agreementUrl = (grantId: string) => `/api/grants/${enc(grantId)}/agreement.json`;
export const grantReceiptUrl = (grantId: string) => `/api/grants/${enc(grantId)}/receipt.json`;
/** The public page a licence certificate's QR code opens. */
export const grantStatusPath = (grantId: string, sha256: string) => `/verify/grant/${enc(grantId)}?sha256=${enc(sha256)}`;
export const grantPath = (grantId: string) => `/grants/${enc(grantId)}`;
export const licenseOrderPath = (workId: string, offerId?: string) => `/works/${enc(workId)}/license${offerId ? `?offer=${enc(offerId)}` : ''}`;

/** The licensed copy: a JPEG whose invisible watermark names the grant. */
export async function fetchGrantCopy(grantId: string): Promise<{ blob: Blob; fileName: string }> {
  let response: Response;
  try {
    response = await fetch(`/api/grants/${enc(grantId)}/copy`, { method: 'POST', headers: { ...CSRF_HEADERS, accept: 'image/jpeg, application/json' }, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'network error');
  }
  if (!response.ok) {
    let parsed: unknown = null;
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
    throw errorFromBody(response.status, parsed);
  }
  return { blob: await response.blob(), fileName: dispositionFileName(response.headers.get('content-disposition')) ?? `wenyuan-grant-${grantId}.jpg` };
}
