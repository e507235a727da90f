/**
 * Cross-border transfer endpoints (issue 15 item 4) as the web client calls them: rules, class
 * labels, the dry-run check, risk assessments, the decision log, exports, data classes, countries.
 * Shapes come from the server's contract via api-schema.ts.
 */
import { request } from './api';
import type { components } from './api-schema';
import type { User } from './types';

type Schemas = components['schemas'];

export type DataClass = Schemas['DataClass'];
export type DataClassView = Schemas['DataClassView'];
export type DataClassLabel = Schemas['DataClassLabel'];
export type TransferRule = Schemas['TransferRule'];
export type TransferRules = Schemas['TransferRules'];
export type TransferOutcome = Schemas['TransferOutcome'];
export type TransferDecision = Schemas['TransferDecision'];
export type TransferAssessment = Schemas['TransferAssessment'];
export type TransferDecisionRecord = Schemas['TransferDecisionRecord'];
export type TransferExport = Schemas['TransferExport'];
export type TransferProblem = { code: string; key: string; params: Record<string, string | number>; message: string };
export type TransferCheck = TransferDecision & { problem: TransferProblem | null };

export const DATA_CLASSES: readonly DataClass[] = ['public', 'internal', 'important', 'core'];
export const OUTCOMES: readonly TransferOutcome[] = ['allow', 'assess', 'refuse'];

export interface RuleInput {
  id?: string;
  destination: string;
  dataClass: DataClass | '*';
  outcome: TransferOutcome;
  note?: string | null;
}

export interface AssessmentInput {
  destination: string;
  dataClasses: DataClass[];
  scope: { type: 'collection' | 'works'; ids: string[] };
  purpose: string;
  recipient: string;
  volume: string;
  safeguards: string;
  notes?: { 'zh-Hans'?: string; en?: string } | null;
}

export type Subject = { collectionId: string } | { workIds: string[] };

const enc = encodeURIComponent;

function query(params: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const text = p.toString();
  return text ? `?${text}` : '';
}

export const transferApi = {
  rules: () => request<TransferRules>('GET', '/transfers/rules'),
  setRules: (items: RuleInput[]) => request<TransferRules>('PUT', '/transfers/rules', { items }),
  classes: () => request<{ items: DataClassLabel[] }>('GET', '/transfers/classes'),
  setClasses: (items: DataClassLabel[]) => request<{ items: DataClassLabel[] }>('PUT', '/transfers/classes', { items }),
  check: (subject: Subject, destination: string, assessmentId?: string | null) => request<TransferCheck>('POST', '/transfers/check', { ...subject, destination, ...(assessmentId ? { assessmentId } : {}) }),
  assessments: (status?: string) => request<{ items: TransferAssessment[] }>('GET', `/transfers/assessments${query({ status })}`),
  submitAssessment: (input: AssessmentInput) => request<TransferAssessment>('POST', '/transfers/assessments', input),
  approve: (id: string, expiresAt?: string | null) => request<TransferAssessment>('POST', `/transfers/assessments/${enc(id)}/approve`, expiresAt ? { expiresAt } : {}),
  reject: (id: string, note?: string | null) => request<TransferAssessment>('POST', `/transfers/assessments/${enc(id)}/reject`, note ? { note } : {}),
  decisions: (filter: { path?: string; destination?: string; outcome?: string }) => request<{ items: TransferDecisionRecord[] }>('GET', `/transfers/decisions${query(filter)}`),
  exportBag: (subject: Subject, destination: string, assessmentId?: string | null) => request<TransferExport>('POST', '/transfers/exports', { ...subject, destination, ...(assessmentId ? { assessmentId } : {}) }),
  dataClass: (type: 'work' | 'collection', id: string) => request<DataClassView>('GET', `/${type === 'work' ? 'works' : 'collections'}/${enc(id)}/data-class`),
  setDataClass: (type: 'work' | 'collection', id: string, dataClass: DataClass) => request<DataClassView>('PUT', `/${type === 'work' ? 'works' : 'collections'}/${enc(id)}/data-class`, { dataClass }),
  setOwnCountry: (country: string | null) => request<User>('PUT', '/auth/country', { country }),
  setUserCountry: (id: string, country: string | null) => request<User>('PATCH', `/users/${enc(id)}`, { country }),
};
