import type { AuditRecord } from './audit-chain.js';

const COLUMNS = ['seq', 'at', 'actor', 'action', 'target_type', 'target_id', 'outcome', 'details', 'ip', 'prev_hash', 'hash'] as const;

/** One CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
function field(value: string | number): string {
  const text = String(value);
  // A leading =, +, - or @ would run as a formula in a spreadsheet: prefix a quote mark.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The header line of the audit export. */
export function auditCsvHeader(): string {
  return COLUMNS.join(',') + '\r\n';
}

/** One record as a CSV line (every field, hashes included, so the export can be checked offline). */
export function auditCsvLine(r: AuditRecord): string {
  return [r.seq, r.at, r.actor, r.action, r.targetType, r.targetId, r.outcome, r.details, r.ip, r.prevHash, r.hash].map(field).join(',') + '\r\n';
}
