import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { MASK_FUND, c, maskHeritage, miaoHeritage, miaoMotif, pay, policyJson, share, type Json } from './policy-fixtures.js';
import { policyToJsonLd } from './policy-json-ld.js';
import { parsePolicy } from './policy.schema.js';
import { policyFromRightsUri } from './rights-uri.js';
import { JSON_LD_CONTEXT } from './vocabulary.js';

const UID = 'https://wenyuan.dev/works/7#terms';
const set = (body: Json) => policyJson('Set', UID, body);
const codes = (json: unknown): string[] => {
  const parsed = parsePolicy(json);
  return parsed.ok ? [] : parsed.issues.map((i) => i.code);
};

describe('parsePolicy: issues', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', [1, 2], 'not_an_object'],
    ['no uid', { '@type': 'Set', permission: [{ action: 'use' }] }, 'missing_uid'],
    ['unknown @type', { ...set({ permission: [{ action: 'use' }] }), '@type': 'Licence' }, 'bad_type'],
    ['a profile this engine does not understand', { ...set({ permission: [{ action: 'use' }] }), profile: 'http://example.com/odrl:profile:01' }, 'unknown_profile'],
    ['bad conflict', set({ conflict: 'maybe', permission: [{ action: 'use' }] }), 'bad_conflict'],
    ['bad party', set({ assigner: 42, permission: [{ action: 'use' }] }), 'bad_party'],
    ['bad target', set({ target: 7, permission: [{ action: 'use' }] }), 'bad_target'],
    ['bad inheritFrom', set({ inheritFrom: [12], permission: [{ action: 'use' }] }), 'bad_inherit_from'],
    ['empty policy', set({}), 'empty_policy'],
    ['Offer without assigner', policyJson('Offer', UID, { permission: [{ action: 'use' }] }), 'offer_without_assigner'],
    ['Agreement without assignee', policyJson('Agreement', UID, { assigner: 'urn:a', permission: [{ action: 'use' }] }), 'agreement_without_assignee'],
    ['a rule that is not an object', set({ permission: ['use'] }), 'bad_rule'],
    ['two actions in one rule', set({ permission: [{ action: ['use', 'display'] }] }), 'bad_action'],
    ['unknown action', set({ permission: [{ action: 'teleport' }] }), 'unknown_action'],
    ['W3C Example 24: index is not in the profile', policyJson('Agreement', 'http://example.com/policy:33CC', { assigner: 'http://example.com/person:88', assignee: 'http://example.com/org:99', prohibition: [{ target: 'http://example.com/data:77', action: 'index', remedy: [{ action: 'anonymize', target: 'http://example.com/data:77' }] }] }), 'unknown_action'],
    ['W3C Example 24: anonymize is not a profile duty', policyJson('Agreement', 'http://example.com/policy:33CC', { assigner: 'http://example.com/person:88', assignee: 'http://example.com/org:99', prohibition: [{ target: 'http://example.com/data:77', action: 'index', remedy: [{ action: 'anonymize', target: 'http://example.com/data:77' }] }] }), 'unknown_duty_action'],
    ['a constraint that is not an object', set({ permission: [{ action: 'use', constraint: ['commercial'] }] }), 'bad_constraint'],
    ['a logical constraint with one member', set({ permission: [{ action: 'use', constraint: [{ or: [c('media', 'eq', 'web')] }] }] }), 'bad_logical_constraint'],
    ['a logical constraint by reference (W3C Example 15 style)', set({ permission: [{ action: 'use', constraint: [{ xone: { '@list': [{ '@id': 'http://example.com/policy:88/C1' }, { '@id': 'http://example.com/policy:88/C2' }] } }] }] }), 'unresolved_reference'],
    ['W3C Example 22: event is not in the profile', policyJson('Offer', 'http://example.com/policy:88', { permission: [{ assigner: 'http://example.com/assigner:sony', target: 'http://example.com/music/1999.mp3', action: 'play', duty: [{ ...pay('5.00', 'http://dbpedia.org/resource/Euro'), constraint: [c('event', 'lt', 'policyUsage')] }] }] }), 'unknown_left_operand'],
    ['unknown operator', set({ permission: [{ action: 'use', constraint: [c('media', 'like', 'web')] }] }), 'unknown_operator'],
    ['payAmount on a rule', set({ permission: [{ action: 'use', constraint: [c('payAmount', 'eq', '5')] }] }), 'misplaced_operand'],
    ['payAmount on an attribute duty', set({ permission: [{ action: 'use', duty: [{ action: 'attribute', constraint: [{ ...c('payAmount', 'eq', '5'), unit: 'CNY' }] }] }] }), 'misplaced_operand'],
    ['lt on a purpose', set({ permission: [{ action: 'use', constraint: [c('purpose', 'lt', 'commercial')] }] }), 'operator_not_applicable'],
    ['unknown purpose', set({ permission: [{ action: 'use', constraint: [c('purpose', 'eq', 'fun')] }] }), 'bad_right_operand'],
    ['unknown media', set({ permission: [{ action: 'use', constraint: [c('media', 'isAnyOf', ['web', 'radio'])] }] }), 'bad_right_operand'],
    ['a list for eq', set({ permission: [{ action: 'use', constraint: [c('media', 'eq', ['web', 'print'])] }] }), 'bad_right_operand'],
    ['a negative count', set({ permission: [{ action: 'use', constraint: [c('count', 'lteq', -1)] }] }), 'bad_right_operand'],
    ['a fractional count', set({ permission: [{ action: 'use', constraint: [c('count', 'lteq', 2.5)] }] }), 'bad_right_operand'],
    ['a bad date', set({ permission: [{ action: 'use', constraint: [c('dateTime', 'lt', '2025-02-30')] }] }), 'bad_right_operand'],
    ['an unknown territory', set({ permission: [{ action: 'use', constraint: [c('spatial', 'eq', 'XX')] }] }), 'bad_territory'],
    ['an unknown CN region', set({ permission: [{ action: 'use', constraint: [c('spatial', 'eq', 'CN-99')] }] }), 'bad_territory'],
    ['a duty that is not an object', set({ permission: [{ action: 'use', duty: ['attribute'] }] }), 'bad_duty'],
    ['unknown duty action', set({ permission: [{ action: 'use', duty: [{ action: 'donate' }] }] }), 'unknown_duty_action'],
    ['unknown currency', set({ permission: [{ action: 'use', duty: [pay('5', 'XBT')] }] }), 'unknown_currency'],
    ['payAmount without a unit', set({ permission: [{ action: 'use', duty: [{ action: 'compensate', refinement: [c('payAmount', 'eq', '5')] }] }] }), 'unknown_currency'],
    ['more decimals than CNY has', set({ permission: [{ action: 'use', duty: [pay('12.345', 'CNY')] }] }), 'bad_amount'],
    ['decimals on JPY', set({ permission: [{ action: 'use', duty: [pay('100.5', 'JPY')] }] }), 'bad_amount'],
    ['a negative amount', set({ permission: [{ action: 'use', duty: [pay('-5.00', 'USD')] }] }), 'bad_amount'],
    ['a percentage above 100', set({ permission: [{ action: 'use', duty: [share(120, MASK_FUND)] }] }), 'bad_percentage'],
    ['a percentage with three decimals', set({ permission: [{ action: 'use', duty: [share('5.125', MASK_FUND)] }] }), 'bad_percentage'],
    ['compensate without an amount', set({ permission: [{ action: 'use', duty: [{ action: 'compensate', compensatedParty: MASK_FUND }] }] }), 'compensation_without_amount'],
    ['a percentage owed to no one', set({ permission: [{ action: 'use', duty: [{ action: 'compensate', refinement: [c('percentage', 'eq', 5)] }] }] }), 'missing_compensated_party'],
    ['W3C Example 23 with its consequence', policyJson('Agreement', 'http://example.com/policy:66', { permission: [{ target: 'http://example.com/data:77', assigner: 'http://example.com/org:99', assignee: 'http://example.com/person:88', action: 'distribute', duty: [{ action: 'attribute', attributedParty: 'http://australia.gov.au/', consequence: [{ action: 'acceptTracking', trackingParty: 'http://example.com/dept:100' }] }] }] }), 'unsupported_property'],
    ['contradictory rules under the default strategy', set({ permission: [{ action: 'display', constraint: [c('media', 'eq', 'web')] }], prohibition: [{ action: 'use', constraint: [c('media', 'eq', 'web')] }] }), 'contradictory_rules'],
  ];
  it.each(cases)('%s', (_name, json, code) => expect(codes(json)).toContain(code));

  it('names the path and parameters of each issue', () => {
    const parsed = parsePolicy(set({ permission: [{ action: 'use' }, { action: 'use', duty: [pay('12.345', 'CNY')] }] }));
    expect(parsed).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'permission[1].duty[0]', code: 'bad_amount', params: { value: '12.345', currency: 'CNY' } })] });
  });

  it('lists every issue, not only the first', () => {
    expect(codes(set({ permission: [{ action: 'teleport' }, { action: 'use', constraint: [c('spatial', 'eq', 'ZZ'), c('media', 'gt', 'web')] }] }))).toEqual(['unknown_action', 'bad_territory', 'operator_not_applicable']);
  });

  it('does not call rules contradictory under perm or prohibit, nor when constraints differ', () => {
    const body = { permission: [{ action: 'display', constraint: [c('media', 'eq', 'web')] }], prohibition: [{ action: 'use', constraint: [c('media', 'eq', 'web')] }] };
    expect(codes(set({ ...body, conflict: 'perm' }))).toEqual([]);
    expect(codes(set({ ...body, conflict: 'prohibit' }))).toEqual([]);
    expect(codes(set({ permission: [{ action: 'use' }], prohibition: [{ action: 'use', constraint: [c('purpose', 'eq', 'parody')] }] }))).toEqual([]);
  });

  it('accepts the forms ODRL JSON-LD allows', () => {
    const parsed = parsePolicy({
      '@context': 'http://www.w3.org/ns/odrl.jsonld',
      '@type': 'odrl:Offer',
      '@id': UID,
      assigner: { '@type': 'Party', uid: 'urn:museum', name: 'Museum' },
      conflict: { '@id': 'odrl:prohibit' },
      permission: {
        action: { 'rdf:value': { '@id': 'http://www.w3.org/ns/odrl/2/reproduce' }, refinement: [{ leftOperand: 'odrl:count', operator: 'odrl:lteq', rightOperand: { '@value': '500', '@type': 'xsd:integer' } }] },
        constraint: { leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: { '@list': ['CN-GD', 'HK'] } },
        duty: { action: 'compensate', refinement: { leftOperand: 'payAmount', operator: 'eq', rightOperand: 99.5, unit: 'http://cvx.iptc.org/iso4217a/HKD' } },
      },
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const p = parsed.policy;
    expect(p).toMatchObject({ uid: UID, type: 'Offer', conflict: 'prohibit', assigner: { uid: 'urn:museum', name: 'Museum' } });
    expect(p.permission[0]).toMatchObject({ action: 'reproduce', constraint: [{ leftOperand: 'spatial', rightOperand: ['CN-44', 'HK'] }, { leftOperand: 'count', operator: 'lteq', rightOperand: 500 }] });
    // No compensatedParty and no duty assigner: the payee is left to the caller (the Offer's assigner).
    expect(p.permission[0]?.duty[0]).toEqual({ action: 'compensate', amount: { minor: 9950, currency: 'HKD' }, fromPolicy: UID, rule: 'permission[0].duty[0]' });
  });
});

describe('policyToJsonLd', () => {
  const fixtures: [string, Json][] = [
    ['heritage mask', maskHeritage('prohibit')],
    ['Miao tradition', miaoHeritage()],
    ['Miao motif', miaoMotif()],
    [
      'an Agreement with every kind of constraint and duty',
      policyJson('Agreement', UID, {
        conflict: 'perm',
        assigner: 'urn:museum',
        assignee: { uid: 'urn:buyer', name: 'Buyer' },
        target: 'https://wenyuan.dev/works/7',
        inheritFrom: ['https://wenyuan.dev/heritage/peking-opera-mask'],
        permission: [
          {
            uid: `${UID}#p1`,
            action: 'reproduce',
            constraint: [c('dateTime', 'lt', '2027-01-01T00:00:00+08:00'), c('count', 'lteq', 3000), { uid: `${UID}#c`, xone: [c('media', 'eq', 'print'), { and: [c('spatial', 'eq', 'CN'), c('purpose', 'isNoneOf', ['parody'])] }] }],
            duty: [pay('120.5', 'CNY', 'urn:museum'), share('2.25', MASK_FUND), { action: 'attribute', attributedParty: 'urn:museum', 'wy:text': '© Museum' }, { action: 'obtainConsent', consentingParty: 'urn:family' }],
          },
        ],
        prohibition: [{ action: 'tdm:mine', remedy: [pay('1000', 'JPY')] }],
        obligation: [{ action: 'inform', informedParty: 'urn:museum', constraint: [c('purpose', 'eq', 'commercial')] }],
      }),
    ],
  ];

  it.each(fixtures)('round-trips %s', (_name, json) => {
    const first = parsePolicy(json);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const exported = policyToJsonLd(first.policy);
    const second = parsePolicy(JSON.parse(JSON.stringify(exported)));
    expect(second).toEqual({ ok: true, policy: first.policy });
    expect(canonicalJson(policyToJsonLd(second.ok ? second.policy : first.policy))).toBe(canonicalJson(exported));
  });

  it.each(['https://creativecommons.org/licenses/by-nc-sa/4.0/', 'https://creativecommons.org/licenses/by-nd/2.5/', 'http://rightsstatements.org/vocab/NoC-US/1.0/'])('round-trips the licence of %s', (uri) => {
    const policy = policyFromRightsUri(uri, { uid: UID, target: 'https://wenyuan.dev/works/7', assigner: { uid: 'urn:museum' } })!;
    expect(parsePolicy(policyToJsonLd(policy))).toEqual({ ok: true, policy });
  });

  it('writes the profile context, amounts as decimals with ISO 4217 units, percentages as decimals', () => {
    const parsed = parsePolicy(set({ permission: [{ action: 'use', duty: [pay('120', 'CNY'), share(5, MASK_FUND)] }] }));
    if (!parsed.ok) throw new Error('fixture');
    const json = policyToJsonLd(parsed.policy);
    expect(json['@context']).toEqual(JSON_LD_CONTEXT);
    expect(JSON.stringify(json)).toContain('{"leftOperand":"payAmount","operator":"eq","rightOperand":{"@value":"120.00","@type":"xsd:decimal"},"unit":"http://cvx.iptc.org/iso4217a/CNY"}');
    expect(JSON.stringify(json)).toContain('{"leftOperand":"percentage","operator":"eq","rightOperand":{"@value":"5.00","@type":"xsd:decimal"}}');
  });
});
