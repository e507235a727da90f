import { describe, expect, it } from 'vitest';
import { makeI18n } from './i18n';
import { territoryName } from './license-territory';
import { constraintWords, freeUseSentences, heritageRuleWords, operandValues, permissionWords, reasonWords, rulesOf, speakerFor, territoryCode, type Speaker } from './license-words';

const noop = () => {};
const speaker = (lang: 'en' | 'zh-Hans'): Speaker => speakerFor(makeI18n(lang, noop).i18n.t, lang);
const en = speaker('en');
const zh = speaker('zh-Hans');

const OFFER = {
  '@type': 'Offer',
  permission: [{
    action: 'reproduce',
    constraint: [
      { leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' },
      { leftOperand: 'spatial', operator: 'eq', rightOperand: 'CN-44' },
      { leftOperand: 'media', operator: 'isAnyOf', rightOperand: ['game', 'wy:web'] },
      { leftOperand: 'dateTime', operator: 'lteq', rightOperand: { '@value': '2099-12-31', '@type': 'xsd:date' } },
      { leftOperand: 'count', operator: 'lteq', rightOperand: 3 },
    ],
    duty: [{ action: 'compensate', refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: '1200.00', unit: 'CNY' }] }],
  }],
};

const HERITAGE = {
  '@type': 'Set',
  permission: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' }], duty: [{ action: 'compensate', compensatedParty: 'urn:wenyuan:party:f1', refinement: [{ leftOperand: 'percentage', operator: 'eq', rightOperand: 5 }] }] }],
  prohibition: [{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'parody' }] }],
};

describe('ODRL in plain words', () => {
  it('reads an offer permission: action and each condition', () => {
    const [rule] = rulesOf(OFFER, 'permission');
    expect(rule).toMatchObject({ action: 'reproduce', percentage: null });
    expect(permissionWords(rule!, en)).toEqual({ action: 'reproduce', conditions: ['for commercial purposes', 'in Guangdong', 'in games and the web', 'until 2099-12-31', 'up to 3 copies'] });
    expect(permissionWords(rule!, zh).conditions).toEqual(['用于商业目的', '限广东省', '用于游戏和网络', '至 2099-12-31', '最多 3 份']);
  });

  it('says negative and unknown constraints too', () => {
    expect(constraintWords({ leftOperand: 'spatial', operator: 'isNoneOf', rightOperand: ['US'] }, en)).toBe('outside United States');
    expect(constraintWords({ leftOperand: 'purpose', operator: 'neq', rightOperand: 'advertising' }, en)).toBe('not for advertising purposes');
    expect(constraintWords({ leftOperand: 'frobnicate', operator: 'eq', rightOperand: 'x' }, en)).toBe('frobnicate eq x');
    expect(operandValues({ '@list': ['wy:game', 'odrl:print'] })).toEqual(['game', 'print']);
  });

  it('says heritage rules: the share to the custodian, and what is forbidden', () => {
    const [allow] = rulesOf(HERITAGE, 'permission');
    const [forbid] = rulesOf(HERITAGE, 'prohibition');
    expect(allow!.percentage).toEqual({ value: 5, party: 'urn:wenyuan:party:f1' });
    expect(heritageRuleWords(allow!, 'permission', 'Mask Fund', en)).toBe('commercial use pays 5 % to Mask Fund.');
    expect(heritageRuleWords(forbid!, 'prohibition', null, en)).toBe('No parody use.');
    expect(heritageRuleWords(forbid!, 'prohibition', null, zh)).toBe('不得用于戏仿。');
  });

  it('reads the exported form of a refined duty', () => {
    const exported = { permission: [{ action: 'use', duty: [{ action: [{ 'rdf:value': { '@id': 'odrl:compensate' }, refinement: [{ leftOperand: 'percentage', operator: 'eq', rightOperand: { '@value': '5.00', '@type': 'xsd:decimal' } }] }], compensatedParty: { '@type': 'Party', uid: 'urn:wenyuan:party:f1' } }] }] };
    expect(rulesOf(exported, 'permission')[0]!.percentage).toEqual({ value: 5, party: 'urn:wenyuan:party:f1' });
  });

  it('groups free uses by purpose and duties into sentences', () => {
    const attribute = { action: 'attribute', amount: null, basisPoints: null, party: null, partyName: null, text: null };
    const uses = [
      { action: 'display', purpose: 'non-commercial', outcome: 'permit-with-duties' as const, duties: [attribute] },
      { action: 'reproduce', purpose: 'non-commercial', outcome: 'permit-with-duties' as const, duties: [attribute] },
      { action: 'display', purpose: 'education', outcome: 'permit-with-duties' as const, duties: [attribute] },
      { action: 'reproduce', purpose: 'education', outcome: 'permit-with-duties' as const, duties: [attribute] },
      { action: 'reproduce', purpose: 'commercial', outcome: 'deny' as const, duties: [] },
    ];
    expect(freeUseSentences(uses, en)).toEqual(['Anyone may display and reproduce this work for non-commercial and educational purposes, crediting the source.']);
    expect(freeUseSentences(uses, zh)).toEqual(['任何人均可为非商业和教育目的展示和复制本作品，须注明出处。']);
    expect(freeUseSentences([uses[4]!], en)).toEqual([]);
  });

  it('translates the engine\'s reasons, showing unknown codes as they came', () => {
    expect(reasonWords({ code: 'not_permitted', params: { action: 'sell' } }, en.t)).toBe('No rule permits “sell”.');
    expect(reasonWords({ code: 'constraint_failed', params: { operand: 'spatial', operator: 'eq', value: 'CN' } }, en.t)).toBe('A condition is not met (spatial: CN).');
    expect(reasonWords({ code: 'brand_new_code', params: {} }, en.t)).toBe('brand_new_code');
  });

  it('checks territory codes the way the server does', () => {
    expect(territoryCode(' cn-44 ')).toBe('CN-44');
    expect(territoryCode('US')).toBe('US');
    expect(territoryCode('China')).toBeNull();
    expect(territoryName('CN-11', 'zh-Hans')).toBe('北京市');
  });
});
