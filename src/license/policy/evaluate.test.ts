import { describe, expect, it } from 'vitest';
import { decide, type Decision, type UseRequest } from './evaluate.js';
import { MASK_FUND, MIAO_FUND, c, maskHeritage, miaoHeritage, miaoMotif, pay, policyJson, share, type Json } from './policy-fixtures.js';
import { policyToJsonLd } from './policy-json-ld.js';
import { parsePolicy, type Policy } from './policy.schema.js';
import { policyFromRightsUri } from './rights-uri.js';

const WORK = 'https://wenyuan.dev/works/42';
const OWNER = 'https://wenyuan.dev/parties/museum';

function load(json: Json): Policy {
  const parsed = parsePolicy(json);
  if (!parsed.ok) throw new Error(`fixture does not parse: ${JSON.stringify(parsed.issues)}`);
  return parsed.policy;
}
const fromUri = (uri: string): Json => policyToJsonLd(policyFromRightsUri(uri, { uid: `${WORK}#licence`, target: WORK, assigner: { uid: OWNER } })!);
const dutySummary = (d: Decision['duties'][number]) =>
  `${d.action}${d.amount ? `:${d.amount.minor} ${d.amount.currency}` : ''}${d.percentage !== undefined ? `:${d.percentage}bp` : ''}${d.party ? `@${d.party.uid}` : ''}`;

type Case = {
  name: string;
  policy: Json;
  inherited?: Json[];
  request: Partial<UseRequest>;
  outcome: Decision['outcome'];
  reason?: string;
  params?: Record<string, string | number>;
  duties?: string[];
  rule?: string; // `kind[index]`, optionally prefixed by the deciding policy's uid and '#'
};

// W3C ODRL 2.2 Information Model examples (https://www.w3.org/TR/odrl-model/), cited by number. Their
// `profile` is an example IRI this engine would refuse (unknown_profile), so it is dropped here.
const w3c = (json: Json): Json => ({ ...json, '@context': 'http://www.w3.org/ns/odrl.jsonld' });
const EX1 = w3c({ '@type': 'Set', uid: 'http://example.com/policy:1010', permission: [{ target: 'http://example.com/asset:9898.movie', action: 'use' }] });
const EX2 = w3c({ '@type': 'Offer', uid: 'http://example.com/policy:1011', permission: [{ target: 'http://example.com/asset:9898.movie', assigner: 'http://example.com/party:org:abc', action: 'play' }] });
const EX3 = w3c({
  '@type': 'Agreement',
  uid: 'http://example.com/policy:1012',
  permission: [{ target: 'http://example.com/asset:9898.movie', assigner: 'http://example.com/party:org:abc', assignee: 'http://example.com/party:person:billie', action: 'play' }],
});
const EX4 = w3c({ '@type': 'Offer', uid: 'http://example.com/policy:3333', permission: [{ target: 'http://example.com/asset:3333', action: 'display', assigner: 'http://example.com/party:0001' }] });
const EX13 = w3c({
  '@type': 'Offer',
  uid: 'http://example.com/policy:6163',
  permission: [{ target: 'http://example.com/document:1234', assigner: 'http://example.com/org:616', action: 'distribute', constraint: [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: { '@value': '2018-01-01', '@type': 'xsd:date' } }] }],
});
const EX18 = w3c({
  '@type': 'Offer',
  uid: 'http://example.com/policy:9090',
  permission: [{ target: 'http://example.com/game:9090', assigner: 'http://example.com/org:xyz', action: 'play', constraint: [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: { '@value': '2017-12-31', '@type': 'xsd:date' } }] }],
});
// Example 19 prohibits `archive`, which is not in this profile; `reproduce` stands in for it.
const EX19 = (prohibited: string) =>
  w3c({
    '@type': 'Agreement',
    uid: 'http://example.com/policy:5555',
    conflict: 'perm',
    permission: [{ target: 'http://example.com/photoAlbum:55', action: 'display', assigner: 'http://example.com/MyPix:55', assignee: 'http://example.com/assignee:55' }],
    prohibition: [{ target: 'http://example.com/photoAlbum:55', action: prohibited, assigner: 'http://example.com/MyPix:55', assignee: 'http://example.com/assignee:55' }],
  });
// Example 20's obligation (pay EUR 500.00), given a permission so that there is a use to decide.
const EX20 = w3c({
  '@type': 'Agreement',
  uid: 'http://example.com/policy:42',
  assignee: 'http://example.com/person:44',
  permission: [{ target: 'http://example.com/document:42', action: 'use' }],
  obligation: [{ assigner: 'http://example.com/org:43', assignee: 'http://example.com/person:44', action: [{ 'rdf:value': { '@id': 'odrl:compensate' }, refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: { '@value': '500.00', '@type': 'xsd:decimal' }, unit: 'http://dbpedia.org/resource/Euro' }] }] }],
});
// Example 22 without its `event lt policyUsage` duty constraint (event is not in the profile).
const EX22 = w3c({
  '@type': 'Offer',
  uid: 'http://example.com/policy:88',
  permission: [{ assigner: 'http://example.com/assigner:sony', target: 'http://example.com/music/1999.mp3', action: 'play', duty: [{ action: [{ 'rdf:value': { '@id': 'odrl:compensate' }, refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: '5.00', unit: 'http://dbpedia.org/resource/Euro' }] }] }] }],
});
// Example 23 without its acceptTracking consequence (refused by the parser: unsupported_property).
const EX23 = w3c({
  '@type': 'Agreement',
  uid: 'http://example.com/policy:66',
  permission: [{ target: 'http://example.com/data:77', assigner: 'http://example.com/org:99', assignee: 'http://example.com/person:88', action: 'distribute', duty: [{ action: 'attribute', attributedParty: 'http://australia.gov.au/' }] }],
});

const ncWithProhibition = (conflict?: string) =>
  policyJson('Set', `${WORK}#nc-${conflict ?? 'default'}`, {
    ...(conflict ? { conflict } : {}),
    permission: [{ action: 'use' }],
    prohibition: [{ action: 'use', constraint: [c('purpose', 'eq', 'commercial')] }],
  });
const permitWhen = (...constraint: Json[]) => policyJson('Set', `${WORK}#when`, { permission: [{ action: 'use', constraint }] });
const commercialOffer = (extra: Json = {}) =>
  policyJson('Offer', `${WORK}#offer`, {
    assigner: OWNER,
    target: WORK,
    ...extra,
    permission: [{ action: 'use', constraint: [c('purpose', 'eq', 'commercial')], duty: [pay('120.00', 'CNY', OWNER), { action: 'attribute', attributedParty: OWNER }] }],
  });
const childSet = (conflict?: string, inheritFrom: string[] = ['https://wenyuan.dev/heritage/peking-opera-mask']) =>
  policyJson('Set', `${WORK}#open`, { ...(conflict ? { conflict } : {}), inheritFrom, permission: [{ action: 'use' }] });
const MASK = 'https://wenyuan.dev/heritage/peking-opera-mask';
const CC = 'https://creativecommons.org/licenses';

const cases: Case[] = [
  // W3C ODRL Information Model examples
  { name: 'Example 1: a Set permitting use covers display', policy: EX1, request: { action: 'display' }, outcome: 'permit', reason: 'permitted', rule: 'permission[0]' },
  { name: 'Example 1: use covers AI training (tdm:mine)', policy: EX1, request: { action: 'tdm:mine' }, outcome: 'permit' },
  { name: 'Example 2: an Offer to play permits play', policy: EX2, request: { action: 'play' }, outcome: 'permit' },
  { name: 'Example 2: play does not cover reproduce (not permitted is prohibited)', policy: EX2, request: { action: 'reproduce' }, outcome: 'deny', reason: 'not_permitted' },
  { name: 'Example 3: the Agreement permits its assignee', policy: EX3, request: { action: 'play', assignee: 'http://example.com/party:person:billie' }, outcome: 'permit' },
  { name: 'Example 3: another party is refused', policy: EX3, request: { action: 'play', assignee: 'http://example.com/party:person:alice' }, outcome: 'deny', reason: 'assignee_mismatch', rule: 'permission[0]' },
  { name: 'Example 4: an Offer to display', policy: EX4, request: { action: 'display' }, outcome: 'permit' },
  { name: 'Example 13: distribute before 2018-01-01', policy: EX13, request: { action: 'distribute', date: '2017-12-31' }, outcome: 'permit' },
  { name: 'Example 13: on 2018-01-01 the permission has expired', policy: EX13, request: { action: 'distribute', date: '2018-01-01' }, outcome: 'deny', reason: 'expired', params: { operand: 'dateTime', operator: 'lt', value: '2018-01-01' } },
  { name: 'Example 18: lteq a date includes that whole day', policy: EX18, request: { action: 'play', date: '2017-12-31T23:00:00Z' }, outcome: 'permit' },
  { name: 'Example 18: the next day is expired', policy: EX18, request: { action: 'play', date: '2018-01-01' }, outcome: 'deny', reason: 'expired' },
  { name: 'Example 19: conflict perm, display permitted', policy: EX19('reproduce'), request: { action: 'display', assignee: 'http://example.com/assignee:55' }, outcome: 'permit' },
  { name: 'Example 19: the prohibited action is denied', policy: EX19('reproduce'), request: { action: 'reproduce', assignee: 'http://example.com/assignee:55' }, outcome: 'deny', reason: 'prohibited', rule: 'prohibition[0]' },
  { name: 'Example 19 with a prohibition of use: perm lets the permission prevail', policy: EX19('use'), request: { action: 'display', assignee: 'http://example.com/assignee:55' }, outcome: 'permit', rule: 'permission[0]' },
  { name: 'Example 20: the obligation to pay EUR 500.00 is reported', policy: EX20, request: { action: 'reproduce', assignee: 'http://example.com/person:44' }, outcome: 'permit-with-duties', duties: ['compensate:50000 EUR@http://example.com/org:43'] },
  { name: 'Example 22: play for EUR 5.00 (DBpedia unit)', policy: EX22, request: { action: 'play' }, outcome: 'permit-with-duties', duties: ['compensate:500 EUR'] },
  { name: 'Example 23: distribute with attribution to australia.gov.au', policy: EX23, request: { action: 'distribute', assignee: 'http://example.com/person:88' }, outcome: 'permit-with-duties', duties: ['attribute@http://australia.gov.au/'] },

  // conflict strategies
  { name: 'default conflict is invalid: a matching permission and prohibition void the policy', policy: ncWithProhibition(), request: { purpose: ['commercial'] }, outcome: 'deny', reason: 'conflict_invalid', rule: 'prohibition[0]' },
  { name: 'default conflict: no prohibition matches, permitted', policy: ncWithProhibition(), request: { purpose: ['education'] }, outcome: 'permit' },
  { name: 'conflict prohibit: the prohibition wins', policy: ncWithProhibition('prohibit'), request: { purpose: ['commercial'] }, outcome: 'deny', reason: 'prohibited', params: { strategy: 'prohibit', action: 'use', policy: `${WORK}#nc-prohibit` } },
  { name: 'conflict perm: the permission wins', policy: ncWithProhibition('perm'), request: { purpose: ['commercial'] }, outcome: 'permit' },
  { name: 'conflict invalid written out', policy: ncWithProhibition('invalid'), request: { purpose: ['advertising'] }, outcome: 'deny', reason: 'conflict_invalid' },

  // action inclusion
  { name: 'a permission of reproduce does not cover a request for use', policy: policyJson('Set', `${WORK}#r`, { permission: [{ action: 'reproduce' }] }), request: { action: 'use' }, outcome: 'deny', reason: 'not_permitted' },
  { name: 'a prohibition of use prohibits display', policy: policyJson('Set', `${WORK}#p`, { conflict: 'prohibit', permission: [{ action: 'display' }], prohibition: [{ action: 'use' }] }), request: { action: 'display' }, outcome: 'deny', reason: 'prohibited' },
  { name: 'transfer covers sell', policy: policyJson('Set', `${WORK}#t`, { permission: [{ action: 'odrl:transfer' }] }), request: { action: 'sell' }, outcome: 'permit' },
  { name: 'sell does not cover transfer', policy: policyJson('Set', `${WORK}#s`, { permission: [{ action: 'sell' }] }), request: { action: 'transfer' }, outcome: 'deny', reason: 'not_permitted' },
  { name: 'TDM opt-out: tdm:mine prohibited', policy: policyJson('Set', `${WORK}#tdm`, { conflict: 'prohibit', permission: [{ action: 'use' }], prohibition: [{ action: 'tdm:mine' }] }), request: { action: 'tdm:mine', purpose: ['research'] }, outcome: 'deny', reason: 'prohibited' },
  { name: 'TDM opt-out leaves display permitted', policy: policyJson('Set', `${WORK}#tdm`, { conflict: 'prohibit', permission: [{ action: 'use' }], prohibition: [{ action: 'tdm:mine' }] }), request: { action: 'display' }, outcome: 'permit' },
  { name: 'a request for use meets a prohibition of a narrower action', policy: policyJson('Set', `${WORK}#n`, { conflict: 'prohibit', permission: [{ action: 'use' }], prohibition: [{ action: 'modify' }] }), request: { action: 'use' }, outcome: 'deny', reason: 'prohibited' },

  // purpose
  { name: 'purpose eq education', policy: permitWhen(c('purpose', 'eq', 'education')), request: { purpose: ['education'] }, outcome: 'permit' },
  { name: 'purpose eq education refuses research', policy: permitWhen(c('purpose', 'eq', 'education')), request: { purpose: ['research'] }, outcome: 'deny', reason: 'constraint_failed', params: { operand: 'purpose', operator: 'eq', value: 'education' } },
  { name: 'advertising is commercial (neq commercial fails)', policy: permitWhen(c('purpose', 'neq', 'wy:commercial')), request: { purpose: ['advertising'] }, outcome: 'deny', reason: 'constraint_failed' },
  { name: 'purpose isAnyOf', policy: permitWhen(c('purpose', 'isAnyOf', ['education', 'research'])), request: { purpose: ['research'] }, outcome: 'permit' },
  { name: 'purpose isNoneOf with no purpose named', policy: permitWhen(c('purpose', 'isNoneOf', ['commercial', 'advertising'])), request: { purpose: [] }, outcome: 'permit' },
  { name: 'purpose isAllOf counts the implied non-commercial', policy: permitWhen(c('purpose', 'isAllOf', ['education', 'non-commercial'])), request: { purpose: ['education'] }, outcome: 'permit' },
  { name: 'purpose isPartOf refuses a purpose outside the list', policy: permitWhen(c('purpose', 'isPartOf', ['education', 'research'])), request: { purpose: ['education', 'news'] }, outcome: 'deny', reason: 'constraint_failed' },
  { name: 'purpose isA commercial holds for advertising', policy: permitWhen(c('purpose', 'isA', 'commercial')), request: { purpose: ['advertising'] }, outcome: 'permit' },
  { name: 'purpose hasPart', policy: permitWhen(c('purpose', 'hasPart', 'news')), request: { purpose: ['news', 'commercial'] }, outcome: 'permit' },

  // territory
  { name: 'a constraint on CN covers CN-44', policy: permitWhen(c('spatial', 'eq', 'CN')), request: { territory: 'CN-44' }, outcome: 'permit' },
  { name: 'a constraint on CN-44 does not cover all of CN', policy: permitWhen(c('spatial', 'eq', 'CN-44')), request: { territory: 'CN' }, outcome: 'deny', reason: 'constraint_failed', params: { operand: 'spatial', operator: 'eq', value: 'CN-44' } },
  { name: 'CN-GD and CN-44 are the same region', policy: permitWhen(c('spatial', 'eq', 'CN-GD')), request: { territory: 'cn-44' }, outcome: 'permit' },
  { name: 'spatial isNoneOf', policy: permitWhen(c('spatial', 'isNoneOf', ['US', 'GB'])), request: { territory: 'CN-11' }, outcome: 'permit' },
  { name: 'spatial isAnyOf refuses a territory outside', policy: permitWhen(c('spatial', 'isAnyOf', ['HK', 'MO'])), request: { territory: 'TW' }, outcome: 'deny', reason: 'constraint_failed' },
  { name: 'a territory constraint with no territory in the request does not grant', policy: permitWhen(c('spatial', 'eq', 'CN')), request: {}, outcome: 'deny', reason: 'constraint_failed', params: { operand: 'spatial', operator: 'eq', value: 'CN', missing: 1 } },
  { name: 'an unknown territory does not excuse a prohibition', policy: policyJson('Set', `${WORK}#us`, { conflict: 'prohibit', permission: [{ action: 'use' }], prohibition: [{ action: 'use', constraint: [c('spatial', 'eq', 'US')] }] }), request: {}, outcome: 'deny', reason: 'prohibited' },

  // media
  { name: 'media isAnyOf print, web', policy: permitWhen(c('media', 'isAnyOf', ['print', 'web'])), request: { media: 'web' }, outcome: 'permit' },
  { name: 'media eq film refuses game', policy: permitWhen(c('media', 'eq', 'film')), request: { media: 'game' }, outcome: 'deny', reason: 'constraint_failed' },
  { name: 'media neq merchandise', policy: permitWhen(c('media', 'neq', 'merchandise')), request: { media: 'merchandise' }, outcome: 'deny', reason: 'constraint_failed' },

  // dates
  { name: 'term not begun', policy: permitWhen(c('dateTime', 'gteq', '2026-01-01'), c('dateTime', 'lt', '2027-01-01')), request: { date: '2025-12-31' }, outcome: 'deny', reason: 'not_yet_valid' },
  { name: 'last second of the term', policy: permitWhen(c('dateTime', 'gteq', '2026-01-01'), c('dateTime', 'lt', '2027-01-01')), request: { date: '2026-12-31T23:59:59Z' }, outcome: 'permit' },
  { name: 'term over', policy: permitWhen(c('dateTime', 'gteq', '2026-01-01'), c('dateTime', 'lt', '2027-01-01')), request: { date: '2027-01-01' }, outcome: 'deny', reason: 'expired' },
  { name: 'dateTime eq a day, request with an offset', policy: permitWhen(c('dateTime', 'eq', '2026-06-01')), request: { date: '2026-06-01T12:00:00+08:00' }, outcome: 'permit' },
  { name: 'dateTime gt a day excludes that day', policy: permitWhen(c('dateTime', 'gt', '2026-06-01')), request: { date: '2026-06-01T12:00:00Z' }, outcome: 'deny', reason: 'not_yet_valid' },

  // count
  { name: 'print run at the limit', policy: permitWhen(c('count', 'lteq', 1000)), request: { action: 'reproduce', count: 1000 }, outcome: 'permit' },
  { name: 'print run above the limit', policy: permitWhen(c('count', 'lteq', 1000)), request: { action: 'reproduce', count: 1001 }, outcome: 'deny', reason: 'constraint_failed', params: { operand: 'count', operator: 'lteq', value: '1000' } },
  { name: 'count limit with no count in the request', policy: permitWhen(c('count', 'lteq', '1000')), request: { action: 'reproduce' }, outcome: 'deny', reason: 'constraint_failed' },

  // logical constraints
  { name: 'or: one member holds', policy: permitWhen({ or: [c('media', 'eq', 'print'), c('spatial', 'eq', 'CN')] }), request: { media: 'web', territory: 'CN-44' }, outcome: 'permit' },
  { name: 'or: no member holds', policy: permitWhen({ or: [c('media', 'eq', 'print'), c('spatial', 'eq', 'CN')] }), request: { media: 'web', territory: 'JP' }, outcome: 'deny', reason: 'constraint_failed', params: { operand: 'media', operator: 'eq', value: 'print' } },
  { name: 'xone: both hold, refused', policy: permitWhen({ xone: { '@list': [c('media', 'eq', 'print'), c('spatial', 'eq', 'CN')] } }), request: { media: 'print', territory: 'CN' }, outcome: 'deny', reason: 'constraint_failed' },
  { name: 'xone: exactly one holds', policy: permitWhen({ xone: [c('media', 'eq', 'print'), c('spatial', 'eq', 'CN')] }), request: { media: 'web', territory: 'CN' }, outcome: 'permit' },
  { name: 'and: one member fails', policy: permitWhen({ and: [c('media', 'eq', 'web'), c('purpose', 'eq', 'education')] }), request: { media: 'web', purpose: ['research'] }, outcome: 'deny', reason: 'constraint_failed', params: { operand: 'purpose', operator: 'eq', value: 'education' } },
  { name: 'andSequence evaluates like and at one instant', policy: permitWhen({ andSequence: [c('media', 'eq', 'web'), c('dateTime', 'lt', '2030-01-01')] }), request: { media: 'web' }, outcome: 'permit' },

  // duties, offers, obligations
  { name: 'a commercial Offer asks CNY 120.00 and attribution', policy: commercialOffer(), request: { purpose: ['commercial'] }, outcome: 'permit-with-duties', duties: [`compensate:12000 CNY@${OWNER}`, `attribute@${OWNER}`] },
  {
    name: 'the duty-free permission is preferred',
    policy: policyJson('Offer', `${WORK}#two`, { assigner: OWNER, permission: [{ action: 'use', duty: [pay('80', 'USD')] }, { action: 'use', constraint: [c('purpose', 'eq', 'education')] }] }),
    request: { purpose: ['education'] },
    outcome: 'permit',
    rule: 'permission[1]',
  },
  {
    name: 'a duty owed only for commercial use (non-commercial request)',
    policy: policyJson('Set', `${WORK}#cd`, { permission: [{ action: 'use', duty: [{ ...pay('1000', 'JPY'), constraint: [c('purpose', 'eq', 'commercial')] }] }] }),
    request: { purpose: ['personal'] },
    outcome: 'permit',
  },
  {
    name: 'a duty owed only for commercial use (commercial request)',
    policy: policyJson('Set', `${WORK}#cd`, { permission: [{ action: 'use', duty: [{ ...pay('1000', 'JPY'), constraint: [c('purpose', 'eq', 'commercial')] }] }] }),
    request: { purpose: ['commercial'] },
    outcome: 'permit-with-duties',
    duties: ['compensate:1000 JPY'],
  },
  { name: 'a policy obligation is reported', policy: policyJson('Set', `${WORK}#ob`, { permission: [{ action: 'display' }], obligation: [{ action: 'inform', informedParty: OWNER }] }), request: { action: 'display' }, outcome: 'permit-with-duties', duties: [`inform@${OWNER}`] },
  { name: 'no duties owed when denied', policy: commercialOffer(), request: { purpose: ['education'] }, outcome: 'deny', reason: 'constraint_failed', duties: [] },

  // heritage inheritance
  {
    name: 'heritage: commercial licence of a work with a mask pays 5 % to the fund',
    policy: commercialOffer({ inheritFrom: [MASK] }),
    inherited: [maskHeritage()],
    request: { purpose: ['commercial'] },
    outcome: 'permit-with-duties',
    duties: [`compensate:12000 CNY@${OWNER}`, `attribute@${OWNER}`, `compensate:500bp@${MASK_FUND}`, `attribute@${MASK_FUND}`],
  },
  { name: 'heritage: non-commercial use only owes attribution to the community', policy: childSet('perm'), inherited: [maskHeritage()], request: { purpose: ['education'] }, outcome: 'permit-with-duties', duties: [`attribute@${MASK_FUND}`] },
  { name: 'heritage: no parody (heritage strategy prohibit beats the child\'s perm)', policy: childSet('perm'), inherited: [maskHeritage('prohibit')], request: { action: 'derive', purpose: ['parody'] }, outcome: 'deny', reason: 'prohibited', rule: `${MASK}#prohibition[0]` },
  { name: 'heritage: no parody under the default invalid strategy', policy: childSet('perm'), inherited: [maskHeritage()], request: { action: 'derive', purpose: ['parody'] }, outcome: 'deny', reason: 'conflict_invalid' },
  { name: 'heritage: a heritage policy may choose perm', policy: childSet('perm'), inherited: [maskHeritage('perm')], request: { action: 'derive', purpose: ['parody'] }, outcome: 'permit-with-duties', duties: [`attribute@${MASK_FUND}`] },
  { name: 'heritage: a parent not supplied fails closed', policy: childSet('perm'), inherited: [], request: {}, outcome: 'deny', reason: 'missing_inherited_policy', params: { uid: MASK } },
  {
    name: 'heritage: two levels (motif → tradition) add the motif share and the tradition obligation',
    policy: childSet('perm', ['https://wenyuan.dev/heritage/miao-butterfly-motif']),
    inherited: [miaoMotif(), miaoHeritage()],
    request: { purpose: ['commercial'], action: 'reproduce' },
    outcome: 'permit-with-duties',
    duties: [`compensate:350bp@${MIAO_FUND}`, `inform@${MIAO_FUND}`],
  },
  {
    name: 'heritage: a heritage permission does not license the work by itself',
    policy: policyJson('Set', `${WORK}#display`, { inheritFrom: [MASK], permission: [{ action: 'display' }] }),
    inherited: [maskHeritage()],
    request: { action: 'reproduce', purpose: ['commercial'] },
    outcome: 'deny',
    reason: 'not_permitted',
  },

  // Creative Commons and RightsStatements.org
  { name: 'CC BY 4.0: display with attribution', policy: fromUri(`${CC}/by/4.0/`), request: { action: 'display', purpose: ['commercial'] }, outcome: 'permit-with-duties', duties: [`attribute@${OWNER}`] },
  { name: 'CC BY-NC 4.0: commercial use is not granted', policy: fromUri(`${CC}/by-nc/4.0/`), request: { purpose: ['commercial'] }, outcome: 'deny', reason: 'constraint_failed', params: { operand: 'purpose', operator: 'neq', value: 'commercial' } },
  { name: 'CC BY-NC 4.0: research use with attribution', policy: fromUri(`${CC}/by-nc/4.0/`), request: { purpose: ['research'], action: 'reproduce' }, outcome: 'permit-with-duties', duties: [`attribute@${OWNER}`] },
  { name: 'CC BY-ND 4.0: no derivatives', policy: fromUri(`${CC}/by-nd/4.0/`), request: { action: 'derive' }, outcome: 'deny', reason: 'not_permitted' },
  { name: 'CC BY-ND 4.0: verbatim copies are fine', policy: fromUri(`${CC}/by-nd/4.0/`), request: { action: 'reproduce' }, outcome: 'permit-with-duties', duties: [`attribute@${OWNER}`] },
  { name: 'CC BY-SA 4.0: adaptations share alike', policy: fromUri(`${CC}/by-sa/4.0/`), request: { action: 'derive' }, outcome: 'permit-with-duties', duties: [`attribute@${OWNER}`, 'shareAlike'] },
  { name: 'CC BY-NC-SA 3.0: non-commercial modification', policy: fromUri(`${CC}/by-nc-sa/3.0/`), request: { action: 'modify', purpose: ['personal'] }, outcome: 'permit-with-duties', duties: [`attribute@${OWNER}`, 'shareAlike'] },
  { name: 'CC BY 2.0: attribution', policy: fromUri(`http://creativecommons.org/licenses/by/2.0/`), request: { action: 'distribute' }, outcome: 'permit-with-duties', duties: [`attribute@${OWNER}`] },
  { name: 'CC0: selling needs nothing', policy: fromUri('https://creativecommons.org/publicdomain/zero/1.0/'), request: { action: 'sell', purpose: ['commercial'] }, outcome: 'permit' },
  { name: 'Public Domain Mark', policy: fromUri('https://creativecommons.org/publicdomain/mark/1.0/'), request: { action: 'modify' }, outcome: 'permit' },
  { name: 'CC+ pattern: the commercial Offer beside CC BY-NC', policy: commercialOffer(), request: { purpose: ['commercial', 'advertising'], media: 'web' }, outcome: 'permit-with-duties', duties: [`compensate:12000 CNY@${OWNER}`, `attribute@${OWNER}`] },
  { name: 'InC-EDU: education', policy: fromUri('http://rightsstatements.org/vocab/InC-EDU/1.0/'), request: { purpose: ['education'] }, outcome: 'permit' },
  { name: 'InC-EDU: research is not education', policy: fromUri('http://rightsstatements.org/vocab/InC-EDU/1.0/'), request: { purpose: ['research'] }, outcome: 'deny', reason: 'constraint_failed' },
  { name: 'InC-NC: commercial refused', policy: fromUri('http://rightsstatements.org/vocab/InC-NC/1.0/'), request: { purpose: ['commercial'] }, outcome: 'deny', reason: 'constraint_failed' },
  { name: 'NoC-US: free in the US', policy: fromUri('http://rightsstatements.org/vocab/NoC-US/1.0/'), request: { territory: 'US' }, outcome: 'permit' },
  { name: 'NoC-US: not established for China', policy: fromUri('http://rightsstatements.org/vocab/NoC-US/1.0/'), request: { territory: 'CN-44' }, outcome: 'deny', reason: 'constraint_failed' },
  { name: 'NKC: no known copyright', policy: fromUri('https://rightsstatements.org/vocab/NKC/1.0/'), request: { purpose: ['commercial'] }, outcome: 'permit' },

  // malformed requests
  { name: 'an unknown action in the request', policy: EX1, request: { action: 'teleport' }, outcome: 'deny', reason: 'unknown_action' },
  { name: 'an unreadable date', policy: EX1, request: { date: '31/12/2026' }, outcome: 'deny', reason: 'bad_request', params: { field: 'date' } },
];

describe('decide: decision table', () => {
  it('has at least 60 cases', () => expect(cases.length).toBeGreaterThanOrEqual(60));

  it.each(cases.map((k) => [k.name, k] as const))('%s', (_name, k) => {
    const request: UseRequest = { action: 'use', purpose: [], date: '2026-06-01', ...k.request };
    const decision = decide(request, load(k.policy), (k.inherited ?? []).map(load));
    const context = `${decision.reason.code}\n${decision.trace.join('\n')}`;
    expect(decision.outcome, context).toBe(k.outcome);
    if (k.reason) expect(decision.reason.code, context).toBe(k.reason);
    if (k.params) expect(decision.reason.params).toEqual(k.params);
    if (k.duties) expect(decision.duties.map(dutySummary)).toEqual(k.duties);
    if (k.outcome !== 'permit-with-duties' && !k.duties) expect(decision.duties).toEqual([]);
    if (k.rule) {
      const [policyUid, ref] = k.rule.includes('#prohibition') || k.rule.includes('#permission') ? [k.rule.slice(0, k.rule.lastIndexOf('#')), k.rule.slice(k.rule.lastIndexOf('#') + 1)] : [null, k.rule];
      expect(decision.rule && `${decision.rule.kind}[${decision.rule.index}]`).toBe(ref);
      if (policyUid) expect(decision.rule?.policy).toBe(policyUid);
    }
  });
});

describe('decide: details', () => {
  it('reports the remedy of the prohibition that decided', () => {
    const policy = load(policyJson('Set', `${WORK}#remedy`, { conflict: 'prohibit', permission: [{ action: 'use' }], prohibition: [{ action: 'distribute', remedy: [pay('100', 'CNY', OWNER)] }] }));
    const decision = decide({ action: 'distribute', purpose: [], date: '2026-06-01' }, policy);
    expect(decision.outcome).toBe('deny');
    expect(decision.remedies?.map(dutySummary)).toEqual([`compensate:10000 CNY@${OWNER}`]);
  });

  it('says in the trace which strategy settled a heritage conflict and why', () => {
    const decision = decide({ action: 'derive', purpose: ['parody'], date: '2026-06-01' }, load(childSet('perm')), [load(maskHeritage('prohibit'))]);
    expect(decision.trace.join('\n')).toMatch(/strategy "prohibit" \(strictest of .*#open: perm, .*peking-opera-mask: prohibit\)/);
    expect(decision.rule?.uid).toBe('https://wenyuan.dev/heritage/peking-opera-mask#no-parody');
  });

  it('reports each inherited duty once when two parents share a grandparent', () => {
    const tradition = load(miaoHeritage());
    const motifA = load(miaoMotif());
    const motifB = load({ ...miaoMotif(), uid: 'https://wenyuan.dev/heritage/miao-fish-motif' });
    const child = load(childSet('perm', [motifA.uid, motifB.uid]));
    const decision = decide({ action: 'use', purpose: ['commercial'], date: '2026-06-01' }, child, [motifA, motifB, tradition]);
    expect(decision.duties.map(dutySummary)).toEqual([`compensate:350bp@${MIAO_FUND}`, `compensate:350bp@${MIAO_FUND}`, `inform@${MIAO_FUND}`]);
  });

  it('is pure: the same inputs give the same decision', () => {
    const policy = load(commercialOffer({ inheritFrom: [MASK] }));
    const request: UseRequest = { action: 'reproduce', purpose: ['commercial'], date: '2026-06-01', territory: 'CN-44', count: 5000 };
    expect(decide(request, policy, [load(maskHeritage())])).toEqual(decide(request, policy, [load(maskHeritage())]));
  });

  it('treats share() percentages as basis points', () => {
    const decision = decide({ action: 'use', purpose: ['commercial'], date: '2026-06-01' }, load(policyJson('Set', `${WORK}#pct`, { permission: [{ action: 'use', duty: [share('12.5', OWNER)] }] })));
    expect(decision.duties[0]?.percentage).toBe(1250);
  });
});
