import { describe, expect, it } from 'vitest';
import { policyFromRightsUri } from './rights-uri.js';
import { actionIncludes } from './vocabulary.js';

const options = { uid: 'urn:licence', target: 'urn:work', assigner: { uid: 'urn:museum' } };

describe('policyFromRightsUri', () => {
  it.each(['by', 'by-sa', 'by-nd', 'by-nc', 'by-nc-sa', 'by-nc-nd'].flatMap((code) => ['2.0', '2.5', '3.0', '4.0'].map((v) => `https://creativecommons.org/licenses/${code}/${v}/`)))('maps %s', (uri) => {
    const policy = policyFromRightsUri(uri, options);
    expect(policy?.type).toBe('Set');
    expect(policy?.permission.every((p) => p.duty.some((d) => d.action === 'attribute' && d.party?.uid === 'urn:museum'))).toBe(true);
    expect(policy?.permission.some((p) => actionIncludes(p.action, 'derive'))).toBe(!uri.includes('-nd'));
    expect(policy?.permission.every((p) => p.constraint.length === (uri.includes('-nc') ? 1 : 0))).toBe(true);
  });

  it.each(['http://creativecommons.org/licenses/by/3.0/cn/', 'https://creativecommons.org/licenses/by-nc/4.0/legalcode.zh-hans', 'https://creativecommons.org/licenses/by/4.0/deed.zh-hans', 'https://creativecommons.org/licenses/by/4.0'])(
    'accepts the variant %s',
    (uri) => expect(policyFromRightsUri(uri, options)).not.toBeNull(),
  );

  it.each([
    'http://rightsstatements.org/vocab/InC/1.0/', 'http://rightsstatements.org/vocab/InC-OW-EU/1.0/', 'http://rightsstatements.org/vocab/InC-RUU/1.0/', 'http://rightsstatements.org/vocab/NoC-CR/1.0/',
    'http://rightsstatements.org/vocab/NoC-OKLR/1.0/', 'http://rightsstatements.org/vocab/CNE/1.0/', 'http://rightsstatements.org/vocab/UND/1.0/', 'https://example.com/licence', 'https://creativecommons.org/licenses/by/5.0/',
  ])('grants nothing for %s', (uri) => expect(policyFromRightsUri(uri, options)).toBeNull());

  it.each([
    ['http://rightsstatements.org/vocab/InC-EDU/1.0/', 'purpose', 'education'],
    ['http://rightsstatements.org/vocab/InC-NC/1.0/', 'purpose', 'commercial'],
    ['http://rightsstatements.org/vocab/NoC-NC/1.0/', 'purpose', 'commercial'],
    ['http://rightsstatements.org/vocab/NoC-US/1.0/', 'spatial', 'US'],
  ])('maps %s to a %s constraint', (uri, operand, value) => {
    expect(policyFromRightsUri(uri, options)?.permission[0]?.constraint).toEqual([expect.objectContaining({ leftOperand: operand, rightOperand: value })]);
  });

  it('maps CC0, PDM and NKC to unconditional use', () => {
    for (const uri of ['https://creativecommons.org/publicdomain/zero/1.0/', 'http://creativecommons.org/publicdomain/mark/1.0/', 'http://rightsstatements.org/vocab/NKC/1.0/'])
      expect(policyFromRightsUri(uri, options)?.permission).toEqual([{ action: 'use', constraint: [], duty: [] }]);
  });
});
