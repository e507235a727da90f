import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../../src/license/policy/policy.schema';
import { emptyHeritageRules, heritageRulesFromOdrl, heritageRulesToOdrl, validateHeritageRules } from './heritage-rules';

describe('heritage rules builder', () => {
  it('writes the mask pattern’s rules: 5 % of commercial use to the fund, no parody or advertising, attribution', () => {
    const odrl = heritageRulesToOdrl({ sharePercent: '5', sharePartyId: 'fund', forbiddenPurposes: ['advertising', 'parody'], attributePartyId: 'fund' });
    expect(odrl).toMatchObject({
      '@type': 'Set',
      conflict: 'prohibit',
      permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }], duty: [{ action: 'compensate', compensatedParty: 'urn:wenyuan:party:fund', refinement: [{ leftOperand: 'percentage', operator: 'eq', rightOperand: 5 }] }] }],
      prohibition: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['parody', 'advertising'] }] }],
      obligation: [{ action: 'attribute', attributedParty: 'urn:wenyuan:party:fund' }],
    });
  });

  it('gives no policy for an empty form and checks the share', () => {
    expect(heritageRulesToOdrl(emptyHeritageRules())).toBeNull();
    expect(validateHeritageRules({ ...emptyHeritageRules(), sharePercent: '150' })).toEqual([{ field: 'share', code: 'badPercent' }, { field: 'party', code: 'partyRequired' }]);
    expect(validateHeritageRules({ ...emptyHeritageRules(), sharePercent: '2.55', sharePartyId: 'p' })).toEqual([]);
  });

  it('reads back its own rules and the server’s exported form', () => {
    const draft = { sharePercent: '2.5', sharePartyId: 'p1', forbiddenPurposes: ['parody'], attributePartyId: 'p2' };
    expect(heritageRulesFromOdrl(heritageRulesToOdrl(draft))).toEqual(draft);
    const exported = {
      '@type': 'Set',
      permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }], duty: [{ action: [{ 'rdf:value': { '@id': 'odrl:compensate' }, refinement: [{ leftOperand: 'percentage', operator: 'eq', rightOperand: { '@value': '5.00', '@type': 'xsd:decimal' } }] }], compensatedParty: { '@type': 'Party', uid: 'urn:wenyuan:party:fund' } }] }],
    };
    expect(heritageRulesFromOdrl(exported)).toEqual({ sharePercent: '5', sharePartyId: 'fund', forbiddenPurposes: [], attributePartyId: '' });
    expect(heritageRulesFromOdrl({ permission: [{ action: 'reproduce' }] })).toBeNull();
  });

  it('writes rules the server’s policy engine accepts', () => {
    const odrl = heritageRulesToOdrl({ sharePercent: '5', sharePartyId: 'fund', forbiddenPurposes: ['parody', 'advertising'], attributePartyId: 'fund' });
    const parsed = parsePolicy({ ...odrl, uid: 'urn:wenyuan:policy:2' });
    expect(parsed.ok ? [] : parsed.issues).toEqual([]);
  });
});
