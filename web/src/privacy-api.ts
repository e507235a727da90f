/**
 * The privacy module's endpoints as the web client calls them: the notice, one's consents, data
 * exports and erasure, and the admins' settings. Shapes come from the server's contract via api-schema.ts.
 */
import { request } from './api';
import type { components } from './api-schema';

type Schemas = components['schemas'];

export type PrivacyNotice = Schemas['PrivacyNotice'];
export type Consents = Schemas['Consents'];
export type ConsentPurpose = Schemas['ConsentPurpose'];
export type PersonalExport = Schemas['PersonalExport'];
export type ErasureState = Schemas['ErasureState'];
export type PrivacySettings = Schemas['PrivacySettings'];
export type RetentionRules = Schemas['RetentionRules'];

export const PURPOSES: readonly ConsentPurpose[] = ['recommendations', 'analytics', 'email'];

export const exportDownloadUrl = (id: string) => `/api/privacy/exports/${encodeURIComponent(id)}/download`;

export const privacyApi = {
  notice: () => request<PrivacyNotice>('GET', '/privacy/notice'),
  publishNotice: (text: Record<string, string> | null) => request<PrivacyNotice>('PUT', '/privacy/notice', { text }),
  consents: () => request<Consents>('GET', '/privacy/consents'),
  decide: (noticeVersion: number, consents: Partial<Record<ConsentPurpose, boolean>>) => request<Consents>('PUT', '/privacy/consents', { noticeVersion, consents }),
  exports: () => request<{ items: PersonalExport[] }>('GET', '/privacy/exports'),
  startExport: () => request<PersonalExport>('POST', '/privacy/exports'),
  erasure: () => request<ErasureState>('GET', '/privacy/erasure'),
  erase: (password: string) => request<Schemas['Erasure']>('POST', '/privacy/erasure', { password }),
  eraseUser: (userId: string, password: string) => request<Schemas['Erasure']>('POST', `/privacy/users/${encodeURIComponent(userId)}/erasure`, { password }),
  settings: () => request<PrivacySettings>('GET', '/privacy/settings'),
  saveSettings: (changes: { retention?: Partial<RetentionRules>; erasureWorks?: PrivacySettings['erasureWorks'] }) => request<PrivacySettings>('PUT', '/privacy/settings', changes),
  runRetention: () => request<NonNullable<PrivacySettings['lastRun']>>('POST', '/privacy/retention/run'),
};
