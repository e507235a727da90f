import type { AuditRecorder } from '../govern/audit.service.js';
import { auditActor } from '../govern/audit.service.js';
import { hasRole, isStaff, type Actor } from '../govern/roles.js';
import { CommonErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { z } from 'zod';
import type { ruleInputSchema } from './transfer.contract.js';
import { contradictions, DATA_CLASSES, RULE_DESTINATION_PATTERN, type Contradiction, type DataClass, type TransferRule } from './transfer-policy.js';
import type { RuleRow, TransferRepository } from './transfer.repository.js';

export type RuleInput = z.infer<typeof ruleInputSchema>;
export type LangText = { 'zh-Hans': string; en: string };
export interface StoredRule extends TransferRule {
  note: string | null;
}

/** The labels a fresh instance shows (an admin may rename them). */
export const DEFAULT_CLASS_LABELS: Record<DataClass, LangText> = {
  public: { 'zh-Hans': '公开数据', en: 'Public' },
  internal: { 'zh-Hans': '内部数据', en: 'Internal' },
  important: { 'zh-Hans': '重要数据', en: 'Important data' },
  core: { 'zh-Hans': '核心数据', en: 'Core data' },
};

export function toRule(row: RuleRow): StoredRule {
  return { id: row.id, destination: row.destination, dataClass: row.data_class as TransferRule['dataClass'], outcome: row.outcome as TransferRule['outcome'], note: row.note };
}

/** The transfer rules (admins edit, staff read) and the labels of the data classes. */
export class TransferRulesService {
  constructor(
    private readonly deps: {
      repo: TransferRepository;
      audit: AuditRecorder;
      now: () => Date;
    },
  ) {}

  /** The rules in force (engine form), for the gate. */
  async rules(): Promise<StoredRule[]> {
    return (await this.deps.repo.rules()).map(toRule);
  }

  async list(actor: Actor): Promise<{ items: StoredRule[]; contradictions: Contradiction[] }> {
    requireStaff(actor);
    const items = await this.rules();
    return { items, contradictions: contradictions(items) };
  }

  /**
   * Replaces every rule. Each is checked before anything is written, so a bad one leaves the old set
   * whole; rules that contradict others are kept (an admin may mean to tighten later) and returned.
   */
  async replace(actor: Actor, inputs: RuleInput[]): Promise<{ items: StoredRule[]; contradictions: Contradiction[] }> {
    requireAdmin(actor);
    const seen = new Set<string>();
    const now = this.deps.now().toISOString();
    const rows: RuleRow[] = inputs.map((input, index) => {
      const destination = input.destination.trim().toUpperCase();
      if (!RULE_DESTINATION_PATTERN.test(destination)) {
        throw CommonErrors.invalid(`rule ${index + 1}: destination "${input.destination}" must be CN, an ISO 3166-1 alpha-2 code such as DE, or * (anywhere outside the mainland)`, { key: 'transfer.rule_destination_invalid', params: { index: index + 1, value: input.destination } });
      }
      const id = input.id ?? newId();
      if (seen.has(id)) throw CommonErrors.invalid(`rule id ${id} appears twice`, { key: 'transfer.rule_duplicate_id', params: { id } });
      seen.add(id);
      return { id, position: index, destination, data_class: input.dataClass, outcome: input.outcome, note: input.note?.trim() || null, created_at: now };
    });
    await this.deps.repo.replaceRules(rows);
    await this.deps.audit.record({ actor: auditActor(actor), action: 'settings.change', target: { type: 'settings', id: 'transfer.rules' }, details: { rules: rows.length } });
    return this.list(actor);
  }

  async labels(): Promise<{ dataClass: DataClass; label: LangText }[]> {
    const stored = await this.deps.repo.labels();
    const parsed = stored ? (JSON.parse(stored) as Partial<Record<DataClass, LangText>>) : {};
    return DATA_CLASSES.map((dataClass) => ({ dataClass, label: { ...DEFAULT_CLASS_LABELS[dataClass], ...parsed[dataClass] } }));
  }

  async setLabels(actor: Actor, items: { dataClass: DataClass; label: LangText }[]): Promise<{ dataClass: DataClass; label: LangText }[]> {
    requireAdmin(actor);
    const current = Object.fromEntries((await this.labels()).map((l) => [l.dataClass, l.label])) as Record<DataClass, LangText>;
    for (const item of items) {
      const zh = item.label['zh-Hans'].trim();
      const en = item.label.en.trim();
      // An empty label falls back to the default rather than showing nothing.
      current[item.dataClass] = { 'zh-Hans': zh || DEFAULT_CLASS_LABELS[item.dataClass]['zh-Hans'], en: en || DEFAULT_CLASS_LABELS[item.dataClass].en };
    }
    await this.deps.repo.setLabels(JSON.stringify(current), this.deps.now().toISOString());
    await this.deps.audit.record({ actor: auditActor(actor), action: 'settings.change', target: { type: 'settings', id: 'transfer.class_labels' } });
    return this.labels();
  }
}

export function requireStaff(actor: Actor): void {
  if (!isStaff(actor)) throw CommonErrors.forbidden('only staff see transfer rules and decisions', { key: 'transfer.forbidden' });
}

export function requireManager(actor: Actor): void {
  if (!hasRole(actor, ['admin', 'curator'])) throw CommonErrors.forbidden('only admins and curators send data out and fill assessments', { key: 'transfer.forbidden' });
}

export function requireAdmin(actor: Actor): void {
  if (!hasRole(actor, ['admin'])) throw CommonErrors.forbidden('only admins change transfer rules and decide assessments', { key: 'transfer.forbidden' });
}
