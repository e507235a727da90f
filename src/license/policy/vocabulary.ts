// The project's ODRL profile as data: actions and their inclusion tree, left operands, operators, value
// lists, currencies and territories. Kept apart from parsing so the engine and the UI read the same lists.

/** IRI of the Wenyuan ODRL profile (the `wy:` prefix of exported JSON-LD). */
import { isKnownCurrency } from '../ledger/money.js';
export const PROFILE_IRI = 'https://wenyuan.dev/odrl/profile/1';
export const ODRL_NS = 'http://www.w3.org/ns/odrl/2/';
export const TDM_NS = 'http://www.w3.org/ns/tdmrep#';

/** The JSON-LD context every exported policy carries. */
export const JSON_LD_CONTEXT: readonly unknown[] = ['http://www.w3.org/ns/odrl.jsonld', { tdm: TDM_NS, wy: PROFILE_IRI }];

export const PURPOSES = ['commercial', 'non-commercial', 'education', 'research', 'parody', 'advertising', 'news', 'personal'] as const;
export type Purpose = (typeof PURPOSES)[number];
export const MEDIA = ['print', 'web', 'game', 'film', 'broadcast', 'merchandise'] as const;
export type Media = (typeof MEDIA)[number];

// `play` and `print` come from the ODRL common vocabulary so the W3C examples fit; `tdm:mine` is TDMRep's.
export const ACTIONS = ['use', 'reproduce', 'distribute', 'display', 'derive', 'modify', 'transfer', 'sell', 'tdm:mine', 'play', 'print'] as const;
export type Action = (typeof ACTIONS)[number];

// Profile choice: the issue makes `use` the parent of every action, so `transfer` (top-level in the ODRL
// core vocabulary) sits under `use` here and `sell` under `transfer`, as in ODRL.
const ACTION_PARENT: Record<Action, Action | null> = {
  use: null,
  reproduce: 'use',
  distribute: 'use',
  display: 'use',
  derive: 'use',
  modify: 'use',
  transfer: 'use',
  sell: 'transfer',
  'tdm:mine': 'use',
  play: 'use',
  print: 'use',
};

/** True when `broader` is `narrower` or one of its ancestors (a permission of `use` covers `reproduce`). */
export function actionIncludes(broader: string, narrower: string): boolean {
  let current: Action | null | undefined = narrower as Action;
  while (current) {
    if (current === broader) return true;
    current = ACTION_PARENT[current];
  }
  return false;
}

// shareAlike (ODRL common vocabulary) carries Creative Commons SA: adaptations keep the same licence.
export const DUTY_ACTIONS = ['attribute', 'compensate', 'inform', 'obtainConsent', 'shareAlike'] as const;
export type DutyAction = (typeof DUTY_ACTIONS)[number];
/** The ODRL party function that names who a duty is owed to, per duty action. */
export const DUTY_PARTY_PROPERTY: Partial<Record<DutyAction, string>> = {
  attribute: 'attributedParty',
  compensate: 'compensatedParty',
  inform: 'informedParty',
  obtainConsent: 'consentingParty',
};

export const LEFT_OPERANDS = ['purpose', 'spatial', 'media', 'dateTime', 'count', 'payAmount', 'percentage'] as const;
export type LeftOperand = (typeof LEFT_OPERANDS)[number];
/** Operands that only refine a compensate duty, never a rule. */
export const DUTY_ONLY_OPERANDS: readonly LeftOperand[] = ['payAmount', 'percentage'];

export const OPERATORS = ['eq', 'neq', 'lt', 'lteq', 'gt', 'gteq', 'isA', 'hasPart', 'isPartOf', 'isAllOf', 'isAnyOf', 'isNoneOf'] as const;
export type Operator = (typeof OPERATORS)[number];
/** Operators each operand accepts; the others are rejected at parse time as `operator_not_applicable`. */
export const OPERATORS_FOR: Record<LeftOperand, readonly Operator[]> = {
  purpose: ['eq', 'neq', 'isA', 'hasPart', 'isPartOf', 'isAllOf', 'isAnyOf', 'isNoneOf'],
  spatial: ['eq', 'neq', 'isA', 'isPartOf', 'isAnyOf', 'isNoneOf'],
  media: ['eq', 'neq', 'isA', 'isAnyOf', 'isNoneOf'],
  dateTime: ['eq', 'neq', 'lt', 'lteq', 'gt', 'gteq'],
  count: ['eq', 'neq', 'lt', 'lteq', 'gt', 'gteq'],
  payAmount: ['eq'],
  percentage: ['eq'],
};
/** Operators whose right operand is a list. */
export const LIST_OPERATORS: readonly Operator[] = ['isAllOf', 'isAnyOf', 'isNoneOf', 'isPartOf'];

// Purposes implied by others (isA): advertising is always commercial. commercial and non-commercial are
// complements: a request that does not say commercial is non-commercial (see normalizePurposes).
const PURPOSE_PARENT: Partial<Record<Purpose, Purpose>> = { advertising: 'commercial' };

/** The request's purposes closed under isA, plus `non-commercial` when nothing commercial is among them. */
export function normalizePurposes(purposes: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const raw of purposes) {
    let p: Purpose | undefined = stripPrefix(raw) as Purpose;
    while (p) {
      out.add(p);
      p = PURPOSE_PARENT[p];
    }
  }
  if (!out.has('commercial')) out.add('non-commercial');
  return out;
}

/** `wy:commercial`, the profile IRI form and the bare token all name the same value. */
export function stripPrefix(value: string): string {
  if (value.startsWith('wy:')) return value.slice(3);
  if (value.startsWith(`${PROFILE_IRI}#`)) return value.slice(PROFILE_IRI.length + 1);
  if (value.startsWith(`${PROFILE_IRI}/`)) return value.slice(PROFILE_IRI.length + 1);
  if (value.startsWith('odrl:')) return value.slice(5);
  if (value.startsWith(ODRL_NS)) return value.slice(ODRL_NS.length);
  if (value.startsWith(TDM_NS)) return `tdm:${value.slice(TDM_NS.length)}`;
  return value;
}

/** ISO 4217 minor units (decimals) of the currencies the platform accepts. */
// Units written as IRIs: IPTC's ISO 4217 scheme, and DBpedia as in the W3C ODRL examples.
const CURRENCY_IRIS: Readonly<Record<string, string>> = {
  'http://dbpedia.org/resource/Euro': 'EUR',
  'http://dbpedia.org/resource/Renminbi': 'CNY',
  'http://dbpedia.org/resource/United_States_dollar': 'USD',
  'http://dbpedia.org/resource/Pound_sterling': 'GBP',
  'http://dbpedia.org/resource/Japanese_yen': 'JPY',
  'http://dbpedia.org/resource/Hong_Kong_dollar': 'HKD',
};

/** The ISO 4217 code a `unit` names (code, IPTC or DBpedia IRI), or null when it is not a known currency. */
export function currencyOf(unit: string): string | null {
  const mapped = CURRENCY_IRIS[unit];
  const code = mapped ?? (unit.startsWith('http://cvx.iptc.org/iso4217a/') ? unit.slice('http://cvx.iptc.org/iso4217a/'.length) : unit);
  return isKnownCurrency(code) ? code : null;
}

const ALPHA2 = new Set(
  ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW').split(' '),
);
// CN provincial-level codes: the numeric GB/T 2260 form the issue uses (CN-44) and the letter form ISO
// 3166-2 has used since 2017 (CN-GD); both normalise to the numeric form.
const CN_REGIONS: Readonly<Record<string, string>> = {
  BJ: '11', TJ: '12', HE: '13', SX: '14', NM: '15', LN: '21', JL: '22', HL: '23', SH: '31', JS: '32', ZJ: '33', AH: '34',
  FJ: '35', JX: '36', SD: '37', HA: '41', HB: '42', HN: '43', GD: '44', GX: '45', HI: '46', CQ: '50', SC: '51', GZ: '52',
  YN: '53', XZ: '54', SN: '61', GS: '62', QH: '63', NX: '64', XJ: '65', TW: '71', HK: '91', MO: '92',
};
const CN_NUMERIC = new Set(Object.values(CN_REGIONS));

/** The canonical territory code (`CN`, `CN-44`, `US-CA`), or null when it is not ISO 3166-1/-2 shaped. */
export function normalizeTerritory(code: string): string | null {
  const upper = code.trim().toUpperCase();
  if (ALPHA2.has(upper)) return upper;
  const match = /^([A-Z]{2})-([A-Z0-9]{1,3})$/.exec(upper);
  if (!match || !ALPHA2.has(match[1]!)) return null;
  if (match[1] === 'CN') {
    const sub = match[2]!;
    if (CN_NUMERIC.has(sub)) return `CN-${sub}`;
    const numeric = CN_REGIONS[sub];
    return numeric ? `CN-${numeric}` : null;
  }
  return upper;
}

/** True when territory `inner` is `outer` or a subdivision of it (CN-44 lies within CN). */
export function territoryWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}-`);
}
