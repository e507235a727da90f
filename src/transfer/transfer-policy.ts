/**
 * The cross-border transfer rules as pure logic (no IO): which outcome a transfer of data of some
 * classes to a destination gets, which rules decided it, and which rules contradict each other.
 *
 * Semantics (docs/architecture.md, "Cross-border transfers"):
 * - A rule is (destination, data class, outcome). Destination: `CN` (mainland China, domestic; it also
 *   covers subdivisions `CN-xx`), an ISO 3166-1 alpha-2 code (covers its subdivisions), or `*` (every
 *   destination outside the mainland). HK, MO and TW are outside the mainland for data export, as in
 *   PIPL practice; they are named by their ISO codes only.
 * - Every rule that matches applies, and the strictest outcome wins (refuse > assess > allow). A
 *   specific rule can therefore tighten a general one but never loosen it.
 * - A contradiction is a rule that is more permissive than another rule covering everything it covers
 *   (the same pair with another outcome, or a country rule looser than a `*` rule, or a class rule
 *   looser than a `*`-class rule for the same destination). It has no effect and is shown as such.
 * - When no rule matches: domestic transfers are allowed, foreign ones need an assessment.
 */

export { DATA_CLASSES, classRank, strictestClass, type DataClass } from '../archive/data-class.js';
import { classRank, type DataClass } from '../archive/data-class.js';

export const TRANSFER_OUTCOMES = ['allow', 'assess', 'refuse'] as const;
export type TransferOutcome = (typeof TRANSFER_OUTCOMES)[number];

export interface TransferRule {
  id: string;
  /** `CN`, an ISO 3166-1 alpha-2 code, or `*` (any destination outside mainland China). */
  destination: string;
  dataClass: DataClass | '*';
  outcome: TransferOutcome;
}

/** A destination as written: an ISO 3166-1 alpha-2 code, optionally with a subdivision (`CN-11`, `DE-BY`). */
export const DESTINATION_PATTERN = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
/** A rule's destination: a country code (no subdivision) or `*`. */
export const RULE_DESTINATION_PATTERN = /^([A-Z]{2}|\*)$/;

/** Upper-cases and trims a destination; null when it is not a code. */
export function normaliseDestination(raw: string): string | null {
  const value = raw.trim().toUpperCase();
  return DESTINATION_PATTERN.test(value) ? value : null;
}

/** The country part of a destination (`CN-11` → `CN`). */
export function countryOf(destination: string): string {
  return destination.slice(0, 2);
}

/** Mainland China: `CN` and its subdivisions. HK, MO and TW are separate ISO codes and count as outside. */
export function isDomestic(destination: string): boolean {
  return countryOf(destination) === 'CN';
}

/** How strict an outcome is (allow 0 < assess 1 < refuse 2). */
export function strictness(outcome: TransferOutcome): number {
  return TRANSFER_OUTCOMES.indexOf(outcome);
}

/** The strictest of some outcomes (allow when there are none). */
export function strictest(outcomes: readonly TransferOutcome[]): TransferOutcome {
  return outcomes.reduce<TransferOutcome>((a, b) => (strictness(b) > strictness(a) ? b : a), 'allow');
}

/** Whether a rule matches a destination (normalised) and a class. */
export function ruleMatches(rule: Pick<TransferRule, 'destination' | 'dataClass'>, destination: string, dataClass: DataClass): boolean {
  if (rule.dataClass !== '*' && rule.dataClass !== dataClass) return false;
  if (rule.destination === '*') return !isDomestic(destination);
  return rule.destination === countryOf(destination);
}

/** The rules a fresh instance starts with: domestic allowed; abroad public allowed, internal and important assessed, core refused. */
export function defaultRules(): Omit<TransferRule, 'id'>[] {
  return [
    { destination: 'CN', dataClass: '*', outcome: 'allow' },
    { destination: '*', dataClass: 'public', outcome: 'allow' },
    { destination: '*', dataClass: 'internal', outcome: 'assess' },
    { destination: '*', dataClass: 'important', outcome: 'assess' },
    { destination: '*', dataClass: 'core', outcome: 'refuse' },
  ];
}

export interface ClassDecision {
  dataClass: DataClass;
  outcome: TransferOutcome;
  /** The matching rules whose outcome is the one in force (empty: no rule matched, the default applied). */
  ruleIds: string[];
}

export interface TransferDecision {
  destination: string;
  domestic: boolean;
  outcome: TransferOutcome;
  /** Per class of the data sent. */
  classes: ClassDecision[];
  /** Every rule that decided a class (deduplicated). */
  ruleIds: string[];
  /** The classes whose outcome is `assess`: what an assessment must cover. */
  needsAssessment: DataClass[];
}

/** The outcome of sending data of these classes to a destination (normalised). */
export function decide(rules: readonly TransferRule[], destination: string, classes: readonly DataClass[]): TransferDecision {
  const domestic = isDomestic(destination);
  const unique = [...new Set(classes.length > 0 ? classes : (['public'] as DataClass[]))].sort((a, b) => classRank(a) - classRank(b));
  const perClass: ClassDecision[] = unique.map((dataClass) => {
    const matching = rules.filter((rule) => ruleMatches(rule, destination, dataClass));
    if (matching.length === 0) return { dataClass, outcome: domestic ? 'allow' : 'assess', ruleIds: [] };
    const outcome = strictest(matching.map((r) => r.outcome));
    return { dataClass, outcome, ruleIds: matching.filter((r) => r.outcome === outcome).map((r) => r.id) };
  });
  const outcome = strictest(perClass.map((c) => c.outcome));
  return {
    destination,
    domestic,
    outcome,
    classes: perClass,
    ruleIds: [...new Set(perClass.flatMap((c) => c.ruleIds))],
    needsAssessment: perClass.filter((c) => c.outcome === 'assess').map((c) => c.dataClass),
  };
}

export interface Contradiction {
  /** The looser rule, which has no effect where the stricter one also applies. */
  ruleId: string;
  /** The stricter rule that wins. */
  overriddenBy: string;
  /** What the looser rule says and what is in force instead. */
  outcome: TransferOutcome;
  effective: TransferOutcome;
}

/** Whether everything `inner` covers is also covered by `outer`. */
function covers(outer: Pick<TransferRule, 'destination' | 'dataClass'>, inner: Pick<TransferRule, 'destination' | 'dataClass'>): boolean {
  const classCovered = outer.dataClass === '*' || outer.dataClass === inner.dataClass;
  const destinationCovered = outer.destination === inner.destination || (outer.destination === '*' && inner.destination !== 'CN');
  return classCovered && destinationCovered;
}

/** Rules that are looser than a rule covering all they cover: strictest wins, and these are shown. */
export function contradictions(rules: readonly TransferRule[]): Contradiction[] {
  const found: Contradiction[] = [];
  for (const rule of rules) {
    // The strictest rule covering this one is the one to name.
    let winner: TransferRule | null = null;
    for (const other of rules) {
      if (other === rule || !covers(other, rule) || strictness(other.outcome) <= strictness(rule.outcome)) continue;
      if (!winner || strictness(other.outcome) > strictness(winner.outcome)) winner = other;
    }
    if (winner) found.push({ ruleId: rule.id, overriddenBy: winner.id, outcome: rule.outcome, effective: winner.outcome });
  }
  return found;
}

/** Assessment coverage: does an approved assessment's destination cover this one (a country covers its subdivisions)? */
export function destinationCovered(assessed: string, destination: string): boolean {
  return assessed === destination || (!assessed.includes('-') && countryOf(destination) === assessed);
}
