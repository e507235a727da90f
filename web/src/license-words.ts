/**
 * ODRL policies in plain words for the work page and the licence pages: an offer's permission
 * ("reproduce, for commercial use, in China, in games and on the web"), the free uses grouped into
 * sentences, heritage rules ("commercial use pays 5 % to the Mask Fund", "no parody") and the
 * engine's reasons. Pure: the caller passes its `t` and list formatter.
 */
import type { MessageKey, Translate } from './i18n';
import { territoryName } from './license-territory';
import type { LicenseDuty, WorkTerms } from './types';

/** What the wording needs from the interface: messages, a list joiner and a region namer. */
export interface Speaker {
  t: Translate;
  formatList: (items: string[]) => string;
  /** A readable name for a territory code (CN, CN-44, US); the code itself when unknown. */
  territory: (code: string) => string;
}

/** The speaker of a language: "a, b and c" lists (the interface's own list format has no "and"). */
export function speakerFor(t: Translate, lang: string): Speaker {
  const list = new Intl.ListFormat(lang, { type: 'conjunction', style: 'long' });
  return { t, formatList: (items) => list.format(items), territory: (code) => territoryName(code, lang) };
}

interface Constraint {
  leftOperand: string;
  operator: string;
  rightOperand: unknown;
}

/** One ODRL permission or prohibition as the UI reads it: its action and constraints. */
export interface RuleLike {
  action: string;
  constraints: Constraint[];
  /** Percentage owed to a party, from a compensate duty (heritage rules). */
  percentage: { value: number; party: string | null } | null;
}

const PROFILE_PREFIXES = ['wy:', 'odrl:', 'http://www.w3.org/ns/odrl/2/'];

/** `wy:commercial`, `odrl:reproduce` and the bare token name the same value. */
export function bareToken(value: string): string {
  for (const prefix of PROFILE_PREFIXES) if (value.startsWith(prefix)) return value.slice(prefix.length);
  const hash = value.lastIndexOf('#');
  return value.startsWith('http') && hash > 0 ? value.slice(hash + 1) : value;
}

function asString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const k of ['@value', '@id', 'rdf:value', 'uid']) if (typeof o[k] === 'string' || typeof o[k] === 'number') return String(o[k]);
    if (o['rdf:value']) return asString(o['rdf:value']);
  }
  return null;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && Array.isArray((value as { '@list'?: unknown })['@list'])) return (value as { '@list': unknown[] })['@list'];
  return [value];
}

/** The values of a right operand as bare tokens. */
export function operandValues(value: unknown): string[] {
  return asArray(value)
    .map(asString)
    .filter((v): v is string => v !== null)
    .map(bareToken);
}

function constraintsOf(rule: Record<string, unknown>): Constraint[] {
  const out: Constraint[] = [];
  for (const c of asArray(rule.constraint)) {
    if (!c || typeof c !== 'object') continue;
    const o = c as Record<string, unknown>;
    // A logical constraint (and/or/xone) is flattened: the page lists its parts.
    for (const k of ['and', 'or', 'xone', 'andSequence']) if (o[k]) out.push(...constraintsOf({ constraint: o[k] }));
    const left = asString(o.leftOperand);
    const op = asString(o.operator);
    if (left && op) out.push({ leftOperand: bareToken(left), operator: bareToken(op), rightOperand: o.rightOperand });
  }
  return out;
}

function percentageOf(rule: Record<string, unknown>): RuleLike['percentage'] {
  for (const d of asArray(rule.duty)) {
    if (!d || typeof d !== 'object') continue;
    const duty = d as Record<string, unknown>;
    // Exported policies write a refined action as [{ "rdf:value": { "@id": "odrl:compensate" }, refinement }].
    const action = asArray(duty.action)[0];
    if (bareToken(asString(action) ?? '') !== 'compensate') continue;
    const refinement = [...asArray(duty.refinement), ...(action && typeof action === 'object' ? asArray((action as Record<string, unknown>).refinement) : [])];
    for (const r of refinement) {
      const ref = r as Record<string, unknown>;
      if (bareToken(asString(ref.leftOperand) ?? '') !== 'percentage') continue;
      const value = Number(asString(ref.rightOperand));
      if (Number.isFinite(value)) return { value, party: asString(duty.compensatedParty) };
    }
  }
  return null;
}

/** The permissions (or prohibitions) of an ODRL policy in JSON-LD, read leniently. */
export function rulesOf(odrl: Record<string, unknown>, kind: 'permission' | 'prohibition'): RuleLike[] {
  return asArray(odrl[kind])
    .filter((r): r is Record<string, unknown> => Boolean(r) && typeof r === 'object')
    .map((r) => ({ action: bareToken(asString(r.action) ?? 'use'), constraints: constraintsOf(r), percentage: percentageOf(r) }));
}

/** A known token's label (action, purpose, media), else the token itself. */
export function tokenLabel(t: Translate, kind: 'action' | 'purpose' | 'media', token: string): string {
  const key = `license.${kind}.${token}` as MessageKey;
  const text = t(key);
  return text === key ? token : text;
}

/** One constraint in words: "for commercial use", "in Guangdong", "until 31 Dec 2099", "up to 3 copies". */
export function constraintWords(c: Constraint, s: Speaker): string {
  const values = operandValues(c.rightOperand);
  const negative = c.operator === 'neq' || c.operator === 'isNoneOf';
  const list = (kind: 'purpose' | 'media') => s.formatList(values.map((v) => tokenLabel(s.t, kind, v)));
  const first = values[0] ?? '';
  switch (c.leftOperand) {
    case 'purpose':
      return s.t(negative ? 'license.c.purposeNot' : 'license.c.purpose', { values: list('purpose') });
    case 'media':
      return s.t(negative ? 'license.c.mediaNot' : 'license.c.media', { values: list('media') });
    case 'spatial':
      return s.t(negative ? 'license.c.spatialNot' : 'license.c.spatial', { values: s.formatList(values.map(s.territory)) });
    case 'dateTime':
      if (c.operator === 'lt' || c.operator === 'lteq') return s.t('license.c.until', { date: first.slice(0, 10) });
      if (c.operator === 'gt' || c.operator === 'gteq') return s.t('license.c.from', { date: first.slice(0, 10) });
      break;
    case 'count':
      if (c.operator === 'lt' || c.operator === 'lteq' || c.operator === 'eq') return s.t('license.c.count', { count: Number(first) - (c.operator === 'lt' ? 1 : 0) });
      break;
  }
  return `${c.leftOperand} ${c.operator} ${values.join(', ')}`;
}

/** An offer's permission in words: the action, then its conditions. */
export function permissionWords(rule: RuleLike, s: Speaker): { action: string; conditions: string[] } {
  return { action: tokenLabel(s.t, 'action', rule.action), conditions: rule.constraints.map((c) => constraintWords(c, s)) };
}

/** A heritage rule in words: "Commercial use pays 5 % to the Mask Fund." or "No parody." */
export function heritageRuleWords(rule: RuleLike, kind: 'permission' | 'prohibition', custodian: string | null, s: Speaker): string {
  const purposes = rule.constraints.filter((c) => c.leftOperand === 'purpose' && c.operator !== 'neq' && c.operator !== 'isNoneOf').flatMap((c) => operandValues(c.rightOperand));
  const what = purposes.length > 0 ? s.formatList(purposes.map((p) => tokenLabel(s.t, 'purpose', p))) : tokenLabel(s.t, 'action', rule.action);
  if (kind === 'prohibition') return s.t('license.heritage.no', { what });
  if (rule.percentage) return s.t('license.heritage.pays', { what, percent: rule.percentage.value, party: custodian ?? s.t('license.heritage.custodian') });
  const conditions = rule.constraints.map((c) => constraintWords(c, s));
  return s.t('license.heritage.allows', { what: [tokenLabel(s.t, 'action', rule.action), ...conditions].join(' ') });
}

/** A duty of a free use in words: "crediting the source", "sharing adaptations alike". */
export function dutyWords(duty: LicenseDuty, s: Speaker): string {
  const key = `license.duty.${duty.action}` as MessageKey;
  const text = s.t(key, { amount: duty.amount ? `${duty.amount.display} ${duty.amount.currency}` : '', percent: (duty.basisPoints ?? 0) / 100, party: duty.partyName ?? '' });
  return text === key ? duty.action : text;
}

/**
 * The free uses as sentences: uses with the same purpose and the same duties are grouped ("Anyone
 * may display and reproduce this for non-commercial purposes, crediting the source.").
 */
export function freeUseSentences(freeUses: WorkTerms['freeUses'], s: Speaker): string[] {
  const groups = new Map<string, { purposes: string[]; actions: string[]; duties: string[] }>();
  for (const use of freeUses) {
    if (use.outcome === 'deny') continue;
    const duties = [...new Set(use.duties.map((d) => dutyWords(d, s)))];
    const key = duties.join('|');
    // Group first by duties, then collect the actions allowed for each purpose.
    const groupKey = `${key}#${use.purpose}`;
    const group = groups.get(groupKey) ?? { purposes: [use.purpose], actions: [], duties };
    if (!group.actions.includes(use.action)) group.actions.push(use.action);
    groups.set(groupKey, group);
  }
  // Purposes that allow the same actions under the same duties are said together.
  const merged = new Map<string, { purposes: string[]; actions: string[]; duties: string[] }>();
  for (const g of groups.values()) {
    const key = `${g.actions.join(',')}|${g.duties.join('|')}`;
    const m = merged.get(key);
    if (m) m.purposes.push(...g.purposes);
    else merged.set(key, { ...g, purposes: [...g.purposes] });
  }
  return [...merged.values()].map((g) => {
    const vars = { actions: s.formatList(g.actions.map((a) => tokenLabel(s.t, 'action', a))), purposes: s.formatList(g.purposes.map((p) => tokenLabel(s.t, 'purpose', p))) };
    return g.duties.length > 0 ? s.t('license.free.withDuties', { ...vars, duties: s.formatList(g.duties) }) : s.t('license.free.sentence', vars);
  });
}

/** The engine's reason in words; an unknown code is shown as it came. */
export function reasonWords(reason: { code: string; params: Record<string, string | number> }, t: Translate): string {
  const key = `license.reason.${reason.code}` as MessageKey;
  const vars: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(reason.params)) vars[k] = v;
  const text = t(key, { operand: '', value: '', action: '', duties: 0, ...vars });
  return text === key ? reason.code : text;
}

/** A territory code's shape as the server accepts it (CN, CN-44, US-CA), upper-cased; null when malformed. */
export function territoryCode(input: string): string | null {
  const upper = input.trim().toUpperCase();
  return /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(upper) ? upper : null;
}
