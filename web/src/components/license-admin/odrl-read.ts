// Small readers for ODRL JSON-LD as the server exports it (value objects, node references, prefixed
// terms), shared by the offer and heritage builders when they turn a stored policy back into a form.
import { stripPrefix } from '../../../../src/license/policy/vocabulary';

export type Json = Record<string, unknown>;

/** True for a plain JSON object. */
export const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One value for a one-element array, a `{"@list": …}` for its members (JSON-LD's compact forms). */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (isJson(value) && Array.isArray(value['@list'])) return value['@list'];
  return Array.isArray(value) ? value : [value];
}

/** The literal or IRI a value object (`{"@value": …}`, `{"@id": …}`, `{"uid": …}`) stands for. */
export function plain(value: unknown): unknown {
  if (!isJson(value)) return value;
  return value['@value'] ?? value['@id'] ?? value.uid ?? value;
}

/** A term (action, operand, operator, purpose) without its `odrl:`/`wy:` prefix, or null. */
export function term(value: unknown): string | null {
  const raw = plain(value);
  return typeof raw === 'string' ? stripPrefix(raw) : null;
}

/** The action of a rule or duty, plain or refined (`{"rdf:value": {"@id": …}, "refinement": […]}`). */
export function actionOf(rule: Json): { action: string | null; refinement: unknown[] } {
  const first = listOf(rule.action)[0];
  if (isJson(first) && first['rdf:value'] !== undefined) return { action: term(first['rdf:value']), refinement: listOf(first.refinement) };
  return { action: term(first), refinement: [] };
}

/** An atomic constraint as plain values: operand, operator and its right operand(s) as strings. */
export interface SimpleConstraint {
  leftOperand: string;
  operator: string;
  values: string[];
  unit: string | null;
}

/** Reads an atomic constraint; null for a logical one (and/or/xone) or anything the forms cannot show. */
export function simpleConstraint(value: unknown): SimpleConstraint | null {
  if (!isJson(value)) return null;
  const leftOperand = term(value.leftOperand);
  const operator = term(value.operator);
  if (!leftOperand || !operator) return null;
  const values = listOf(value.rightOperand).map(plain);
  if (values.some((v) => typeof v !== 'string' && typeof v !== 'number')) return null;
  const unit = plain(value.unit);
  return { leftOperand, operator, values: values.map(String), unit: typeof unit === 'string' ? unit : null };
}

/** The party id a `urn:wenyuan:party:<id>` reference names, or null. */
export function partyIdOf(value: unknown): string | null {
  const raw = plain(value);
  return typeof raw === 'string' && raw.startsWith(PARTY_URN) ? raw.slice(PARTY_URN.length) : null;
}

/** How policies name a party of this platform. */
export const PARTY_URN = 'urn:wenyuan:party:';
