// Creative Commons licences and RightsStatements.org statements expressed in the same ODRL model, so a
// work under CC BY-NC plus a commercial Offer (the CC+ pattern) is decided by the same engine.
//
// Mapping choices: BY → attribute duty on every permission; NC → a `purpose neq commercial` constraint on
// the permissions (not a prohibition, so that a separate commercial Offer can still grant commercial use);
// ND → no permission to derive or modify (not permitted is prohibited); SA → derive and modify carry a
// shareAlike duty naming the licence. CC0 and the Public Domain Mark permit every use without duties.
// RightsStatements that grant no public use (InC, InC-OW-EU, InC-RUU, NoC-CR and NoC-OKLR, whose
// restrictions are not knowable from the URI, CNE, UND) give null.
import type { Duty, Party, Permission, Policy } from './policy.schema.js';
import { PROFILE_IRI, type Action } from './vocabulary.js';

const CC = /^https?:\/\/creativecommons\.org\/licenses\/(by|by-sa|by-nd|by-nc|by-nc-sa|by-nc-nd)\/(2\.0|2\.5|3\.0|4\.0)(?:\/[a-z]{2}(?:-[a-z]{2})?)?\/?(?:legalcode.*|deed\..*)?$/i;
const CC_PUBLIC = /^https?:\/\/creativecommons\.org\/publicdomain\/(zero|mark)\/1\.0\/?(?:legalcode.*|deed\..*)?$/i;
const RS = /^https?:\/\/rightsstatements\.org\/(?:vocab|page)\/([A-Za-z-]+)\/1\.0\/?$/;
const NON_DERIVING: Action[] = ['reproduce', 'distribute', 'display', 'play', 'print', 'transfer', 'tdm:mine'];

/** The public licence a Creative Commons or RightsStatements.org URI stands for, as an ODRL Set (null when the URI grants nothing, e.g. InC). */
export function policyFromRightsUri(uri: string, options: { uid: string; target: string; assigner?: Party }): Policy | null {
  const base = (permission: Permission[]): Policy => ({
    uid: options.uid,
    type: 'Set',
    profile: PROFILE_IRI,
    ...(options.assigner ? { assigner: options.assigner } : {}),
    target: options.target,
    permission,
    prohibition: [],
    obligation: [],
  });
  const duty = (index: number, action: Duty['action'], dutyIndex: number, text: string): Duty => ({
    action,
    fromPolicy: options.uid,
    rule: `permission[${index}].duty[${dutyIndex}]`,
    ...(action === 'attribute' && options.assigner ? { party: options.assigner } : {}),
    text,
  });
  const cc = CC.exec(uri.trim());
  if (cc) {
    const code = cc[1]!.toLowerCase();
    const canonical = `https://creativecommons.org/licenses/${code}/${cc[2]}/`;
    const constraint: Permission['constraint'] = code.includes('nc') ? [{ leftOperand: 'purpose', operator: 'neq', rightOperand: 'commercial' }] : [];
    const grant = (action: Action, index: number, shareAlike: boolean): Permission => ({
      action,
      constraint,
      duty: [duty(index, 'attribute', 0, canonical), ...(shareAlike ? [duty(index, 'shareAlike', 1, canonical)] : [])],
    });
    if (code.includes('nd')) return base(NON_DERIVING.map((a, i) => grant(a, i, false)));
    if (code.includes('sa')) return base([...NON_DERIVING, 'derive', 'modify'].map((a, i) => grant(a as Action, i, a === 'derive' || a === 'modify')));
    return base([grant('use', 0, false)]);
  }
  if (CC_PUBLIC.test(uri.trim())) return base([{ action: 'use', constraint: [], duty: [] }]);
  const rs = RS.exec(uri.trim());
  if (!rs) return null;
  switch (rs[1]) {
    case 'InC-EDU':
      return base([{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'education' }], duty: [] }]);
    case 'InC-NC':
    case 'NoC-NC':
      return base([{ action: 'use', constraint: [{ leftOperand: 'purpose', operator: 'neq', rightOperand: 'commercial' }], duty: [] }]);
    case 'NoC-US':
      return base([{ action: 'use', constraint: [{ leftOperand: 'spatial', operator: 'eq', rightOperand: 'US' }], duty: [] }]);
    case 'NKC':
      return base([{ action: 'use', constraint: [], duty: [] }]);
    default:
      return null; // InC, InC-OW-EU, InC-RUU, NoC-CR, NoC-OKLR, CNE, UND, and unknown statements
  }
}
