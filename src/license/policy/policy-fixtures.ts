// Shared JSON-LD fixtures for the policy engine's tests and benchmark: the profile's context, builders
// for Sets/Offers/Agreements, and heritage element policies (a Peking-opera mask, a Miao motif).
import { JSON_LD_CONTEXT, PROFILE_IRI } from './vocabulary.js';

export type Json = Record<string, unknown>;

/** A policy of `type` with the project context and profile. */
export const policyJson = (type: 'Set' | 'Offer' | 'Agreement', uid: string, body: Json): Json => ({
  '@context': JSON_LD_CONTEXT,
  '@type': type,
  uid,
  profile: PROFILE_IRI,
  ...body,
});

/** An atomic constraint. */
export const c = (leftOperand: string, operator: string, rightOperand: unknown): Json => ({ leftOperand, operator, rightOperand });

/** A compensate duty of a decimal amount in a currency. */
export const pay = (amount: string, unit: string, party?: string): Json => ({
  action: [{ 'rdf:value': { '@id': 'odrl:compensate' }, refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: { '@value': amount, '@type': 'xsd:decimal' }, unit }] }],
  ...(party ? { compensatedParty: party } : {}),
});

/** A compensate duty of a percentage owed to a party. */
export const share = (percent: number | string, party: string): Json => ({
  action: 'compensate',
  compensatedParty: { '@type': 'Party', uid: party },
  refinement: [{ leftOperand: 'percentage', operator: 'eq', rightOperand: percent }],
});

export const MASK_FUND = 'https://wenyuan.dev/parties/peking-opera-mask-fund';
export const MIAO_FUND = 'https://wenyuan.dev/parties/miao-embroidery-community';

/** Heritage rules of a Peking-opera mask pattern: commercial use pays 5 % to the fund, no parody, attribution. */
export const maskHeritage = (conflict?: string): Json =>
  policyJson('Set', 'https://wenyuan.dev/heritage/peking-opera-mask', {
    ...(conflict ? { conflict } : {}),
    permission: [
      { action: 'use', constraint: [c('purpose', 'eq', 'commercial')], duty: [share(5, MASK_FUND)] },
      { action: 'use', duty: [{ action: 'attribute', attributedParty: MASK_FUND }] },
    ],
    prohibition: [{ uid: 'https://wenyuan.dev/heritage/peking-opera-mask#no-parody', action: 'use', constraint: [c('purpose', 'eq', 'parody')] }],
  });

/** Heritage rules of the Miao embroidery tradition: the community is informed of every use. */
export const miaoHeritage = (): Json =>
  policyJson('Set', 'https://wenyuan.dev/heritage/miao-embroidery', {
    conflict: 'prohibit',
    obligation: [{ action: 'inform', informedParty: MIAO_FUND }],
  });

/** A Miao motif inheriting the tradition's rules (two levels), adding 3.5 % on commercial use. */
export const miaoMotif = (): Json =>
  policyJson('Set', 'https://wenyuan.dev/heritage/miao-butterfly-motif', {
    conflict: 'prohibit',
    inheritFrom: ['https://wenyuan.dev/heritage/miao-embroidery'],
    permission: [{ action: 'use', constraint: [c('purpose', 'eq', 'commercial')], duty: [share('3.5', MIAO_FUND)] }],
  });
