/**
 * A party's statement for a period: what it was owed at the start, each payment share credited to
 * it and each settlement paid out, and what it is owed at the end. Built in one pass over postings
 * the repository has already read in order, so a month of 100,000 postings costs one loop.
 */
import { csvCell, csvText } from '../../archive/import/report-csv.js';
import { assertMinor, formatMinor, minorUnits } from './money.js';
import { LedgerError } from './postings.js';
import { STATEMENT_LABELS, type StatementLang } from './statement-labels.js';

export type StatementKind = 'payment' | 'settlement' | 'adjustment';

export type StatementLine = { date: string; transactionId: string; kind: StatementKind; workId: string | null; orderId: string | null; memo: string; minor: number /* + = owed to the party (credit to payable), - = paid out */ };
export type Statement = { partyId: string; currency: string; from: string; to: string; opening: number; lines: StatementLine[]; totalIn: number; totalOut: number; closing: number };

/** One of the party's postings on its payable account with its transaction's details; `minor` keeps the posting's sign (+ debit = paid out, - credit = owed). */
export type StatementPosting = { date: string; transactionId: string; kind: StatementKind; workId: string | null; orderId: string | null; memo: string; minor: number };

/**
 * A party's statement for [from, to) from its postings (already filtered to the party and currency) and the balance before `from`. Pure; linear time.
 * `date`, `from` and `to` are ISO 8601 strings of one form (all dates, or all UTC timestamps) so that
 * string order is time order; postings outside the period are skipped (those before it are in
 * `opening`); lines keep the order given (the repository's: date, then id). `opening` is what the party
 * was owed (negative if overpaid).
 */
export function buildStatement(input: { partyId: string; currency: string; from: string; to: string; opening: number; postings: readonly StatementPosting[] }): Statement {
  const { partyId, currency, from, to, opening, postings } = input;
  minorUnits(currency);
  assertMinor(opening);
  if (!(from < to)) throw new LedgerError('bad_period', `the period ${from} to ${to} is empty; "from" must come before "to"`, { from, to });
  const lines: StatementLine[] = [];
  let totalIn = 0;
  let totalOut = 0;
  for (const p of postings) {
    if (p.date < from || p.date >= to) continue;
    assertMinor(p.minor);
    // A credit to the party's payable (negative posting) is money owed to it: + on its statement.
    const minor = p.minor === 0 ? 0 : -p.minor;
    if (minor > 0) totalIn += minor;
    else totalOut -= minor;
    lines.push({ date: p.date, transactionId: p.transactionId, kind: p.kind, workId: p.workId, orderId: p.orderId, memo: p.memo, minor });
  }
  const closing = opening + totalIn - totalOut;
  for (const [name, value] of [['totalIn', totalIn], ['totalOut', totalOut], ['closing', closing]] as const) {
    if (!Number.isSafeInteger(value)) throw new LedgerError('too_large', `the statement's ${name} is beyond the exact range of ${Number.MAX_SAFE_INTEGER} minor units`, { field: name });
  }
  return { partyId, currency, from, to, opening, lines, totalIn, totalOut, closing };
}

/** The statement as CSV (UTF-8 with BOM so Excel in China opens it; header row in the given language 'zh-Hans' | 'en'; amounts as decimal strings; RFC 4180 quoting; cells starting with = + - @ prefixed with ' against formula injection). */
export function statementCsv(statement: Statement, lang: StatementLang): string {
  const labels = STATEMENT_LABELS[lang];
  const { currency } = statement;
  const money = (minor: number): string => formatMinor(minor, currency);
  const c = labels.columns;
  const header = [c.date, c.transaction, c.kind, c.work, c.order, c.memo, c.in, c.out, c.balance].map((h) => h.replace('{currency}', currency));
  const head = csvText([header, [statement.from, null, labels.opening, null, null, null, null, null, money(statement.opening)]]);
  // Dates, ids and amounts we write ourselves cannot start a formula or hold a quote: only the memo goes
  // through the guarded cell writer (a month can have 100,000 lines; this keeps it one pass of cheap work).
  const safe = (value: string | null) => (value === null ? '""' : `"${value}"`);
  const kinds = { payment: safe(labels.kinds.payment), settlement: safe(labels.kinds.settlement), adjustment: safe(labels.kinds.adjustment) };
  const lines = new Array<string>(statement.lines.length);
  let balance = statement.opening;
  for (let i = 0; i < statement.lines.length; i++) {
    const line = statement.lines[i]!;
    balance += line.minor;
    lines[i] = `${safe(line.date)},${safe(line.transactionId)},${kinds[line.kind]},${safe(line.workId)},${safe(line.orderId)},${csvCell(line.memo)},${line.minor >= 0 ? safe(money(line.minor)) : '""'},${line.minor < 0 ? safe(money(-line.minor)) : '""'},${safe(money(balance))}\r\n`;
  }
  const tail = csvText([[statement.to, null, labels.closing, null, null, null, money(statement.totalIn), money(statement.totalOut), money(statement.closing)]]);
  return `\uFEFF${head}${lines.join('')}${tail}`;
}
