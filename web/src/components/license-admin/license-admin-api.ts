/**
 * The licensing endpoints the right holder's and curator's tools call (terms, offers, heritage
 * elements, parties, royalty splits, the ledger). Shapes come from the server's contract as generated
 * into api-schema.ts (named in types.ts).
 */
import { request } from '../../api';
import type { HeritageElement, LedgerTrialBalance, LicenseParty, LicensePolicy, RoyaltySplit, RoyaltySplitHistory, RoyaltyStatement, SettlementBatch, WorkTerms } from '../../types';

const enc = encodeURIComponent;
type Target = { type: 'work' | 'collection'; id: string };
type Json = Record<string, unknown>;

export interface OfferBody {
  title: Record<string, string>;
  odrl: Json;
  autoApprove: boolean;
  editionSize: number | null;
}

export interface PartyInput {
  kind: LicenseParty['kind'];
  name: Record<string, string>;
  userId?: string | null;
  contact?: string | null;
}

export interface HeritageInput {
  name: Record<string, string>;
  description?: Record<string, string> | null;
  custodianPartyId?: string | null;
  rules?: Json | null;
}

export interface StatementQuery {
  from: string;
  to: string;
  currency?: string;
}

/** Typed calls for the licensing admin pages. */
export const licenseAdminApi = {
  terms: (workId: string) => request<WorkTerms>('GET', `/works/${enc(workId)}/terms`),
  /** A CC / RightsStatements URI, or null to remove the public licence. */
  setPublicLicence: (target: Target, rightsUri: string | null) =>
    request<{ licence: LicensePolicy | null }>('PUT', `/terms/${target.type}/${enc(target.id)}/public-licence`, rightsUri ? { rightsUri } : { odrl: null }),
  offers: (target: Target) => request<{ items: LicensePolicy[] }>('GET', `/offers?type=${target.type}&id=${enc(target.id)}`),
  createOffer: (target: Target, body: OfferBody) => request<LicensePolicy>('POST', '/offers', { target, ...body }),
  /** A new version of an offer (409 when `version` is stale). */
  updateOffer: (id: string, body: OfferBody & { version: number }) => request<LicensePolicy>('PUT', `/offers/${enc(id)}`, body),
  withdrawOffer: (id: string) => request<null>('DELETE', `/offers/${enc(id)}`),

  heritageElements: () => request<{ items: HeritageElement[] }>('GET', '/heritage-elements'),
  createHeritageElement: (input: HeritageInput) => request<HeritageElement>('POST', '/heritage-elements', input),
  updateHeritageElement: (id: string, input: HeritageInput) => request<HeritageElement>('PUT', `/heritage-elements/${enc(id)}`, input),
  workHeritage: (workId: string) => request<{ elementIds: string[] }>('GET', `/works/${enc(workId)}/heritage-elements`),
  setWorkHeritage: (workId: string, elementIds: string[]) => request<{ elementIds: string[] }>('PUT', `/works/${enc(workId)}/heritage-elements`, { elementIds }),

  parties: () => request<{ items: LicenseParty[] }>('GET', '/parties'),
  createParty: (input: PartyInput) => request<LicenseParty>('POST', '/parties', input),
  split: (workId: string) => request<RoyaltySplitHistory>('GET', `/works/${enc(workId)}/royalty-split`),
  /** A new split version based on `version` (0 for the first; 409 when stale). */
  setSplit: (workId: string, body: { version: number; shares: { partyId: string; basisPoints: number; role?: string }[]; note?: string }) =>
    request<RoyaltySplit>('PUT', `/works/${enc(workId)}/royalty-split`, body),

  balances: () => request<LedgerTrialBalance>('GET', '/ledger/balances'),
  statement: (partyId: string, q: StatementQuery) => request<RoyaltyStatement>('GET', statementPath(partyId, q, 'json')),
  settlements: () => request<{ items: SettlementBatch[] }>('GET', '/ledger/settlements'),
  settle: (periodTo: string, currency = 'CNY') => request<SettlementBatch>('POST', '/ledger/settlements', { periodTo, currency }),
};

function statementPath(partyId: string, q: StatementQuery, format: 'json' | 'csv', lang?: string): string {
  const params = new URLSearchParams({ from: q.from, to: q.to, currency: q.currency ?? 'CNY' });
  if (lang) params.set('lang', lang);
  return `/ledger/statements/${enc(partyId)}${format === 'csv' ? '/statement.csv' : ''}?${params.toString()}`;
}

/** Where a statement's CSV downloads from, with zh or en column headers. */
export const statementCsvUrl = (partyId: string, q: StatementQuery, lang: 'zh-Hans' | 'en') => '/api' + statementPath(partyId, q, 'csv', lang);
