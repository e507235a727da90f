// The offer builder's form state and its translation to and from an ODRL 2.2 Offer (JSON-LD), so a
// right holder writes terms without JSON and the JSON-LD the server stores is what gets exported.
// ODRL gives each rule one action: every ticked action becomes a permission carrying the same
// constraints and duties. A stored offer the form cannot express (logical constraints, other operators,
// prohibitions) reads back as null: the page then shows its JSON-LD without offering to edit it.
import { CURRENCY_MINOR_UNITS } from '../../../../src/license/ledger/money';
import { JSON_LD_CONTEXT, MEDIA, PURPOSES, currencyOf, normalizeTerritory } from '../../../../src/license/policy/vocabulary';
import { actionOf, isJson, listOf, simpleConstraint, type Json, type SimpleConstraint } from './odrl-read';

/** The actions the form offers (ODRL common vocabulary, plus TDMRep's text-and-data mining for AI training). */
export const OFFER_ACTIONS = ['display', 'reproduce', 'distribute', 'derive', 'modify', 'sell', 'tdm:mine'] as const;
export type OfferAction = (typeof OFFER_ACTIONS)[number];
export const OFFER_PURPOSES = PURPOSES;
export const OFFER_MEDIA = MEDIA;
/** Currencies a price may be set in (those the ledger knows). */
/** The currencies the forms offer first (the ledger books more: `CURRENCY_MINOR_UNITS`). */
export const OFFER_CURRENCIES: readonly string[] = ['CNY', 'HKD', 'TWD', 'MOP', 'USD', 'EUR', 'GBP', 'CHF', 'CAD', 'AUD', 'SGD', 'JPY', 'KRW'];

export interface OfferDraft {
  titleZh: string;
  titleEn: string;
  actions: OfferAction[];
  purposes: string[];
  /** Territory codes as typed: `CN, HK` or `CN-44`. */
  territories: string;
  media: string[];
  /** First and last day of use (YYYY-MM-DD), or ''. */
  from: string;
  until: string;
  /** Most copies one licence allows, or ''. */
  maxCopies: string;
  /** Decimal amount, or '' for no fixed price. */
  price: string;
  currency: string;
  attribute: boolean;
  inform: boolean;
  autoApprove: boolean;
  /** Limited edition: how many licences may be sold in all, or ''. */
  editionSize: string;
}

export type DraftField = 'title' | 'actions' | 'territories' | 'period' | 'maxCopies' | 'price' | 'editionSize';
/** A form problem: which field, and the message key suffix (`licenseAdmin.offer.error.<code>`). */
export interface DraftIssue {
  field: DraftField;
  code: 'titleRequired' | 'actionRequired' | 'badTerritory' | 'badPeriod' | 'badCount' | 'badPrice';
  value?: string;
}

/** An empty form: reproduce, priced in CNY, attribution asked. */
export function emptyOfferDraft(): OfferDraft {
  return {
    titleZh: '', titleEn: '', actions: ['reproduce'], purposes: [], territories: '', media: [], from: '', until: '',
    maxCopies: '', price: '', currency: 'CNY', attribute: true, inform: false, autoApprove: false, editionSize: '',
  };
}

/** The territory codes typed (comma, space or 、 separated), normalised; `bad` lists those that are not codes. */
export function parseTerritories(text: string): { codes: string[]; bad: string[] } {
  const codes: string[] = [];
  const bad: string[] = [];
  for (const token of text.split(/[\s,;，、]+/).filter(Boolean)) {
    const code = normalizeTerritory(token);
    if (!code) bad.push(token);
    else if (!codes.includes(code)) codes.push(code);
  }
  return { codes, bad };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const POSITIVE_INT = /^[1-9]\d{0,9}$/;

/** True when `price` is a non-negative amount with no more decimals than the currency has. */
export function isValidPrice(price: string, currency: string): boolean {
  const decimals = CURRENCY_MINOR_UNITS[currency];
  if (decimals === undefined) return false;
  const m = /^(\d{1,15})(?:\.(\d+))?$/.exec(price.trim());
  return m !== null && (m[2] === undefined || m[2].length <= decimals);
}

/** The form's problems, field by field (empty when it can be sent). */
export function validateOfferDraft(draft: OfferDraft): DraftIssue[] {
  const issues: DraftIssue[] = [];
  if (!draft.titleZh.trim() && !draft.titleEn.trim()) issues.push({ field: 'title', code: 'titleRequired' });
  if (draft.actions.length === 0) issues.push({ field: 'actions', code: 'actionRequired' });
  const { bad } = parseTerritories(draft.territories);
  if (bad.length > 0) issues.push({ field: 'territories', code: 'badTerritory', value: bad.join(', ') });
  if ((draft.from && !DATE.test(draft.from)) || (draft.until && !DATE.test(draft.until)) || (draft.from && draft.until && draft.from > draft.until))
    issues.push({ field: 'period', code: 'badPeriod' });
  if (draft.maxCopies.trim() && !POSITIVE_INT.test(draft.maxCopies.trim())) issues.push({ field: 'maxCopies', code: 'badCount' });
  if (draft.price.trim() && !isValidPrice(draft.price, draft.currency)) issues.push({ field: 'price', code: 'badPrice' });
  if (draft.editionSize.trim() && !POSITIVE_INT.test(draft.editionSize.trim())) issues.push({ field: 'editionSize', code: 'badCount' });
  return issues;
}

/** `eq` for one value, `isAnyOf` for several. */
function oneOrAny(leftOperand: string, values: readonly string[]): Json {
  return values.length === 1 ? { leftOperand, operator: 'eq', rightOperand: values[0] } : { leftOperand, operator: 'isAnyOf', rightOperand: [...values] };
}

/** The amount written with the currency's decimals (`1200` → `1200.00` in CNY). */
export function formatAmount(price: string, currency: string): string {
  const decimals = CURRENCY_MINOR_UNITS[currency] ?? 2;
  const [whole = '0', fraction = ''] = price.trim().split('.');
  const digits = whole.replace(/^0+(?=\d)/, '');
  return decimals === 0 ? digits : `${digits}.${fraction.padEnd(decimals, '0')}`;
}

/** The ODRL Offer (compact JSON-LD) the form describes; the server adds uid, assigner and target. */
export function offerDraftToOdrl(draft: OfferDraft): Json {
  const constraint: Json[] = [];
  // Keep the vocabulary's order, so the same choices always give the same JSON.
  const purposes = OFFER_PURPOSES.filter((p) => draft.purposes.includes(p));
  const media = OFFER_MEDIA.filter((m) => draft.media.includes(m));
  const territories = parseTerritories(draft.territories).codes;
  if (purposes.length > 0) constraint.push(oneOrAny('purpose', purposes));
  if (territories.length > 0) constraint.push(oneOrAny('spatial', territories));
  if (media.length > 0) constraint.push(oneOrAny('media', media));
  if (draft.from) constraint.push({ leftOperand: 'dateTime', operator: 'gteq', rightOperand: draft.from });
  if (draft.until) constraint.push({ leftOperand: 'dateTime', operator: 'lteq', rightOperand: draft.until });
  if (draft.maxCopies.trim()) constraint.push({ leftOperand: 'count', operator: 'lteq', rightOperand: Number(draft.maxCopies.trim()) });
  const duty: Json[] = [];
  if (draft.price.trim())
    duty.push({ action: 'compensate', refinement: [{ leftOperand: 'payAmount', operator: 'eq', rightOperand: formatAmount(draft.price, draft.currency), unit: draft.currency }] });
  if (draft.attribute) duty.push({ action: 'attribute' });
  if (draft.inform) duty.push({ action: 'inform' });
  const actions = OFFER_ACTIONS.filter((a) => draft.actions.includes(a));
  return {
    '@context': JSON_LD_CONTEXT,
    '@type': 'Offer',
    permission: actions.map((action) => ({ action, ...(constraint.length > 0 ? { constraint } : {}), ...(duty.length > 0 ? { duty } : {}) })),
  };
}

/** The body of POST /api/offers for a work or collection. */
export function offerInput(draft: OfferDraft, target: { type: 'work' | 'collection'; id: string }): Json {
  return { target, ...offerFields(draft) };
}

/** Title, ODRL, auto-approval and edition size: what POST and PUT /api/offers share. */
export function offerFields(draft: OfferDraft): { title: Record<string, string>; odrl: Json; autoApprove: boolean; editionSize: number | null } {
  const title: Record<string, string> = {};
  if (draft.titleZh.trim()) title['zh-Hans'] = draft.titleZh.trim();
  if (draft.titleEn.trim()) title.en = draft.titleEn.trim();
  return { title, odrl: offerDraftToOdrl(draft), autoApprove: draft.autoApprove, editionSize: draft.editionSize.trim() ? Number(draft.editionSize.trim()) : null };
}

/** Reads one rule's constraints into the draft; false when one of them is beyond the form. */
function readConstraint(c: SimpleConstraint, draft: OfferDraft): boolean {
  const list = c.operator === 'eq' || c.operator === 'isAnyOf';
  switch (c.leftOperand) {
    case 'purpose':
      if (!list) return false;
      draft.purposes = c.values;
      return true;
    case 'media':
      if (!list) return false;
      draft.media = c.values;
      return true;
    case 'spatial':
      if (!list) return false;
      draft.territories = c.values.join(', ');
      return true;
    case 'dateTime':
      if (c.operator === 'gteq') draft.from = c.values[0]!.slice(0, 10);
      else if (c.operator === 'lteq') draft.until = c.values[0]!.slice(0, 10);
      else return false;
      return true;
    case 'count':
      if (c.operator !== 'lteq') return false;
      draft.maxCopies = c.values[0]!;
      return true;
    default:
      return false;
  }
}

/** Reads one duty into the draft; false when it is beyond the form (a percentage share, another duty). */
function readDuty(value: unknown, draft: OfferDraft): boolean {
  if (!isJson(value)) return false;
  const { action, refinement } = actionOf(value);
  if (action === 'attribute') draft.attribute = true;
  else if (action === 'inform') draft.inform = true;
  else if (action === 'compensate') {
    const pay = [...refinement, ...listOf(value.refinement)].map(simpleConstraint);
    const amount = pay.find((c) => c?.leftOperand === 'payAmount');
    const currency = amount?.unit ? currencyOf(amount.unit) : null;
    if (pay.length !== 1 || !amount || !currency) return false;
    draft.price = amount.values[0]!;
    draft.currency = currency;
  } else return false;
  return true;
}

/** The form state of a stored offer, or null when its policy says more than the form can show. */
export function offerDraftFromPolicy(offer: { title: Record<string, string>; odrl: Record<string, unknown>; autoApprove: boolean; editionSize: number | null }): OfferDraft | null {
  const draft: OfferDraft = {
    ...emptyOfferDraft(),
    actions: [],
    attribute: false,
    titleZh: offer.title['zh-Hans'] ?? offer.title.zh ?? '',
    titleEn: offer.title.en ?? '',
    autoApprove: offer.autoApprove,
    editionSize: offer.editionSize === null ? '' : String(offer.editionSize),
  };
  const { odrl } = offer;
  if (listOf(odrl.prohibition).length > 0 || listOf(odrl.obligation).length > 0) return null;
  const rules = listOf(odrl.permission);
  if (rules.length === 0) return null;
  // Every permission must carry the same constraints and duties (as the form writes them).
  const shape = (rule: Json) => JSON.stringify({ c: rule.constraint ?? null, d: rule.duty ?? null });
  let first: string | null = null;
  for (const rule of rules) {
    if (!isJson(rule)) return null;
    const { action, refinement } = actionOf(rule);
    if (!action || !(OFFER_ACTIONS as readonly string[]).includes(action) || refinement.length > 0 || rule.assignee !== undefined) return null;
    if (!draft.actions.includes(action as OfferAction)) draft.actions.push(action as OfferAction);
    if (first === null) first = shape(rule);
    else if (first !== shape(rule)) return null;
  }
  const head = rules[0] as Json;
  for (const raw of listOf(head.constraint)) {
    const c = simpleConstraint(raw);
    if (!c || !readConstraint(c, draft)) return null;
  }
  for (const duty of listOf(head.duty)) if (!readDuty(duty, draft)) return null;
  return draft;
}
