/**
 * The audit trail's endpoints (issue 15, admins only) as the web client calls them. Shapes come from
 * the server's contract via api-schema.ts.
 */
import { request } from './api';
import type { components } from './api-schema';

type Schemas = components['schemas'];

export type AuditRecord = Schemas['AuditRecord'];
export type AuditPage = Schemas['AuditPage'];
export type AuditVerifyReport = Schemas['AuditVerifyReport'];
export type AuditAction = Schemas['AuditAction'];

export interface AuditFilter {
  action?: string;
  actor?: string;
  since?: string;
  until?: string;
}

function query(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...extra })) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const auditApi = {
  list: (filter: AuditFilter, before?: number) => request<AuditPage>('GET', `/audit${query(filter, { limit: '50', ...(before ? { before: String(before) } : {}) })}`),
  verify: () => request<AuditVerifyReport>('GET', '/audit/verify'),
};

/** The CSV export of the filtered trail (a plain link: the browser downloads it with the session cookie). */
export const auditExportUrl = (filter: AuditFilter) => `/api/audit/export.csv${query(filter)}`;
