import type { I18n, MessageKey } from './i18n';
import { knownLabel } from './labels';

type Words = Pick<I18n, 't' | 'has' | 'formatList'>;

/** Accounts that are not people (the command-line import account); their names are translated. */
const SYSTEM_ACCOUNT_KEYS: Record<string, MessageKey> = { cli: 'actor.cli' };

/** Who did something: a system account in words, else `name` (the person's display name). */
export function actorLabel(i18n: Pick<I18n, 't'>, username: string | null | undefined, name: string): string {
  const key = username ? SYSTEM_ACCOUNT_KEYS[username] : undefined;
  return key ? i18n.t(key) : name;
}

/** The name of a work event (`files_added` → "Files added"); unknown types keep their code. */
export function eventName(i18n: Words, type: string): string {
  const key = `events.kind.${type}`;
  return i18n.has(key) ? i18n.t(key) : i18n.t('events.otherKind', { type });
}

/** A SHA-256 shortened for reading; the full value is in the work's file list. */
function shortHash(value: unknown): string {
  const text = String(value);
  return /^[0-9a-f]{64}$/.test(text) ? `${text.slice(0, 12)}…` : text;
}

function plain(value: unknown): string {
  if (Array.isArray(value)) return value.map(plain).join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The detail of a work event as readable lines in the reader's language: the files it added, the
 * version it saved and the fields it changed. Keys this client does not know are listed as
 * `key: value`, so nothing the server records is hidden.
 */
export function eventDetailLines(i18n: Words, detail: unknown): string[] {
  if (detail === null || detail === undefined || detail === '') return [];
  if (typeof detail !== 'object' || Array.isArray(detail)) return [plain(detail)];
  const lines: string[] = [];
  for (const [key, value] of Object.entries(detail as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    if (key === 'files' && Array.isArray(value)) {
      if (value.length > 0) lines.push(i18n.t('events.detail.files', { count: value.length, hashes: i18n.formatList(value.map(shortHash)) }));
    } else if (key === 'sourceKey' && typeof value === 'string') {
      lines.push(i18n.t('events.detail.source', { source: value }));
    } else if (key === 'version' && typeof value === 'number') {
      lines.push(i18n.t('events.detail.version', { version: value }));
    } else if (key === 'registrationId' && typeof value === 'string') {
      lines.push(i18n.t('events.detail.registration', { id: value }));
    } else if (key === 'index' && typeof value === 'number') {
      lines.push(i18n.t('events.detail.logIndex', { index: value }));
    } else if (key === 'serial' && typeof value === 'number') {
      lines.push(i18n.t('events.detail.serial', { serial: value }));
    } else if (key === 'purpose' && typeof value === 'string') {
      lines.push(i18n.t('events.detail.purpose', { purpose: knownLabel(i18n, 'purpose', value) }));
    } else if (key === 'recipient' && typeof value === 'string') {
      lines.push(i18n.t('events.detail.recipient', { recipient: value }));
    } else if (key === 'reference' && typeof value === 'string') {
      lines.push(i18n.t('events.detail.reference', { reference: value }));
    } else if (key === 'fields' && Array.isArray(value)) {
      if (value.length > 0) lines.push(i18n.t('events.detail.fields', { fields: i18n.formatList(value.map((f) => knownLabel(i18n, 'field', String(f)))) }));
    } else {
      lines.push(`${key}: ${plain(value)}`);
    }
  }
  return lines;
}
