import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../../src/license/policy/policy.schema';
import { emptyOfferDraft, formatAmount, offerDraftFromPolicy, offerDraftToOdrl, offerFields, parseTerritories, validateOfferDraft, type OfferDraft } from './offer-builder';

const draft = (changes: Partial<OfferDraft>): OfferDraft => ({ ...emptyOfferDraft(), titleEn: 'Game texture licence', ...changes });

describe('offer builder', () => {
  it('writes the issue’s game licence as an ODRL Offer: one permission per action, shared constraints and duties', () => {
    const odrl = offerDraftToOdrl(draft({ actions: ['reproduce', 'display'], purposes: ['commercial'], territories: 'cn', media: ['web', 'game'], price: '1200', attribute: true }));
    expect(odrl['@type']).toBe('Offer');
    const constraint = [
      { leftOperand: 'purpose', operator: 'eq', rightOperand: 'commercial' },
      { leftOperand: 'spatial', operator: 'eq', rightOperand: 'CN' },
      { leftOperand: 'media', operator: 'isAnyOf', rightOperand: ['web', 'game'] },
    ];
    const duty = [{ action: 'compensate', refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: '1200.00', unit: 'CNY' }] }, { action: 'attribute' }];
    // Vocabulary order, not click order.
    expect(odrl.permission).toEqual([{ action: 'display', constraint, duty }, { action: 'reproduce', constraint, duty }]);
  });

  it('writes term, copies and AI training', () => {
    const odrl = offerDraftToOdrl(draft({ actions: ['tdm:mine'], from: '2027-01-01', until: '2027-12-31', maxCopies: '500', attribute: false, inform: true }));
    expect(odrl.permission).toEqual([
      {
        action: 'tdm:mine',
        constraint: [
          { leftOperand: 'dateTime', operator: 'gteq', rightOperand: '2027-01-01' },
          { leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2027-12-31' },
          { leftOperand: 'count', operator: 'lteq', rightOperand: 500 },
        ],
        duty: [{ action: 'inform' }],
      },
    ]);
  });

  it('checks the form field by field', () => {
    expect(validateOfferDraft(draft({}))).toEqual([]);
    const issues = validateOfferDraft(draft({ titleEn: ' ', actions: [], territories: 'CN, Atlantis', from: '2027-02-01', until: '2027-01-01', maxCopies: '0', price: '12.345', editionSize: 'x' }));
    expect(issues.map((i) => i.field)).toEqual(['title', 'actions', 'territories', 'period', 'maxCopies', 'price', 'editionSize']);
    expect(issues.find((i) => i.field === 'territories')?.value).toBe('Atlantis');
    expect(validateOfferDraft(draft({ price: '12.5', currency: 'JPY' }))[0]?.code).toBe('badPrice');
  });

  it('normalises territories and amounts', () => {
    expect(parseTerritories('cn-gd, HK、 CN-44 us')).toEqual({ codes: ['CN-44', 'HK', 'US'], bad: [] });
    expect(formatAmount('0012.5', 'CNY')).toBe('12.50');
    expect(formatAmount('300', 'JPY')).toBe('300');
  });

  it('sends titles, auto-approval and the edition size', () => {
    expect(offerFields(draft({ titleZh: '游戏贴图授权', autoApprove: true, editionSize: '3' }))).toMatchObject({ title: { 'zh-Hans': '游戏贴图授权', en: 'Game texture licence' }, autoApprove: true, editionSize: 3 });
  });

  it('reads back what it wrote, and the server’s exported form of it', () => {
    const original = draft({ titleZh: '授权', actions: ['display', 'reproduce'], purposes: ['commercial', 'education'], territories: 'CN-44, HK', media: ['print'], from: '2027-01-01', until: '2027-06-30', maxCopies: '10', price: '99.90', currency: 'USD', attribute: true, inform: true, editionSize: '5' });
    const odrl = offerDraftToOdrl(original);
    expect(offerDraftFromPolicy({ title: { en: original.titleEn, 'zh-Hans': '授权' }, odrl, autoApprove: false, editionSize: 5 })).toEqual(original);
    // As policyToJsonLd exports it: refined duty action, value objects, IPTC currency IRIs.
    const exported = {
      '@context': [], '@type': 'Offer', uid: 'urn:x', assigner: { '@type': 'Party', uid: 'urn:wenyuan:user:1' },
      permission: [
        {
          action: 'reproduce',
          constraint: [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: { '@value': '2027-06-30', '@type': 'xsd:dateTime' } }],
          duty: [{ action: [{ 'rdf:value': { '@id': 'odrl:compensate' }, refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: { '@value': '1200.00', '@type': 'xsd:decimal' }, unit: 'http://cvx.iptc.org/iso4217a/CNY' }] }] }],
        },
      ],
    };
    expect(offerDraftFromPolicy({ title: {}, odrl: exported, autoApprove: true, editionSize: null })).toMatchObject({ actions: ['reproduce'], until: '2027-06-30', price: '1200.00', currency: 'CNY', attribute: false, autoApprove: true });
  });

  it('gives null for a policy the form cannot show', () => {
    const base = offerDraftToOdrl(draft({}));
    expect(offerDraftFromPolicy({ title: {}, odrl: { ...base, prohibition: [{ action: 'derive' }] }, autoApprove: false, editionSize: null })).toBeNull();
    expect(offerDraftFromPolicy({ title: {}, odrl: { ...base, permission: [{ action: 'use' }] }, autoApprove: false, editionSize: null })).toBeNull();
    expect(offerDraftFromPolicy({ title: {}, odrl: { ...base, permission: [{ action: 'display' }, { action: 'reproduce', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'research' }] }] }, autoApprove: false, editionSize: null })).toBeNull();
    expect(offerDraftFromPolicy({ title: {}, odrl: { ...base, permission: [{ action: 'display', constraint: [{ or: [] }] }] }, autoApprove: false, editionSize: null })).toBeNull();
  });

  it('writes policies the server’s policy engine accepts', () => {
    const odrl = offerDraftToOdrl(draft({ actions: ['reproduce', 'tdm:mine', 'sell'], purposes: ['commercial', 'advertising'], territories: 'CN-GD', media: ['game'], from: '2027-01-01', until: '2027-12-31', maxCopies: '3', price: '1200', inform: true }));
    const parsed = parsePolicy({ ...odrl, uid: 'urn:wenyuan:policy:1', assigner: 'urn:wenyuan:user:1' });
    expect(parsed.ok ? [] : parsed.issues).toEqual([]);
  });
});
