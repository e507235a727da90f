import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './postings.js';
import { buildStatement, statementCsv, type StatementPosting } from './statement.js';

const posting = (date: string, minor: number, extra: Partial<StatementPosting> = {}): StatementPosting => ({
  date, transactionId: `tx-${date}-${minor}`, kind: minor < 0 ? 'payment' : 'settlement', workId: minor < 0 ? 'w1' : null, orderId: minor < 0 ? 'o1' : null, memo: '', minor, ...extra,
});

describe('buildStatement', () => {
  it('turns credits into money owed and debits into money paid out, for the period only', () => {
    const statement = buildStatement({
      partyId: 'artist', currency: 'CNY', from: '2026-11-01', to: '2026-12-01', opening: 1000,
      postings: [posting('2026-10-31', -999), posting('2026-11-01', -7230), posting('2026-11-15', -1), posting('2026-11-30', 5000), posting('2026-12-01', -888)],
    });
    expect(statement).toMatchObject({ partyId: 'artist', currency: 'CNY', from: '2026-11-01', to: '2026-12-01', opening: 1000, totalIn: 7231, totalOut: 5000, closing: 3231 });
    expect(statement.lines.map((l) => [l.date, l.kind, l.minor])).toEqual([['2026-11-01', 'payment', 7230], ['2026-11-15', 'payment', 1], ['2026-11-30', 'settlement', -5000]]);
  });

  it('refuses an empty period and fractional amounts', () => {
    expect(() => buildStatement({ partyId: 'a', currency: 'CNY', from: '2026-12-01', to: '2026-12-01', opening: 0, postings: [] })).toThrow(LedgerError);
    expect(() => buildStatement({ partyId: 'a', currency: 'CNY', from: '2026-11-01', to: '2026-12-01', opening: 0.5, postings: [] })).toThrow();
    expect(() => buildStatement({ partyId: 'a', currency: 'CNY', from: '2026-11-01', to: '2026-12-01', opening: 0, postings: [posting('2026-11-02', 1.5)] })).toThrow();
  });

  it('for random postings, closing = opening + in - out, and in/out count only their own direction', () => {
    const postingsArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 28 }), fc.integer({ min: -1e9, max: 1e9 })), { maxLength: 200 });
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), postingsArb, (opening, raw) => {
      const postings = raw.map(([day, minor]) => posting(`2026-02-${String(day).padStart(2, '0')}`, minor));
      const s = buildStatement({ partyId: 'p', currency: 'CNY', from: '2026-02-01', to: '2026-03-01', opening, postings });
      expect(s.closing).toBe(s.opening + s.totalIn - s.totalOut);
      expect(s.totalIn).toBe(s.lines.filter((l) => l.minor > 0).reduce((t, l) => t + l.minor, 0));
      expect(s.totalOut).toBe(s.lines.filter((l) => l.minor < 0).reduce((t, l) => t - l.minor, 0));
      expect(s.closing).toBe(opening - raw.reduce((t, [, m]) => t + m, 0));
    }), { numRuns: 200 });
  });

  // Speed is measured in bench/license/statement.ts, not here; this checks a month this size is read whole.
  it('keeps every line of a month of 100,000 postings and totals them', () => {
    const postings = Array.from({ length: 100_000 }, (_, i) => posting(`2026-11-${String((i % 28) + 1).padStart(2, '0')}`, i % 10 === 0 ? 500 : -123));
    const s = buildStatement({ partyId: 'p', currency: 'CNY', from: '2026-11-01', to: '2026-12-01', opening: 0, postings });
    expect(s.lines).toHaveLength(100_000);
    expect(s.totalIn).toBe(90_000 * 123);
    expect(s.totalOut).toBe(10_000 * 500);
  });
});

describe('statementCsv', () => {
  const statement = buildStatement({
    partyId: 'artist', currency: 'CNY', from: '2026-11-01', to: '2026-12-01', opening: 1000,
    postings: [
      posting('2026-11-02', -7230, { transactionId: 'tx1', memo: '授权 "山水图", 订单 17' }),
      posting('2026-11-03', -5, { transactionId: 'tx2', kind: 'adjustment', memo: '=HYPERLINK("http://evil.example")' }),
      posting('2026-11-30', 5000, { transactionId: 'tx3', memo: '@SUM(A1:A9)' }),
      posting('2026-11-30', 3000, { transactionId: 'tx4', memo: '-2+3' }),
    ],
  });

  it('writes a BOM, Chinese headers and kinds, decimal amounts and a running balance', () => {
    const text = statementCsv(statement, 'zh-Hans');
    expect(text.startsWith('\uFEFF"日期","交易编号","类型","作品编号","订单编号","摘要","应得 (CNY)","已付 (CNY)","余额 (CNY)"\r\n')).toBe(true);
    const rows = parse(text.slice(1)) as string[][];
    expect(rows.slice(1)).toEqual([
      ['2026-11-01', '', '期初余额', '', '', '', '', '', '10.00'],
      ['2026-11-02', 'tx1', '收款分账', 'w1', 'o1', '授权 "山水图", 订单 17', '72.30', '', '82.30'],
      ['2026-11-03', 'tx2', '调整', 'w1', 'o1', `'=HYPERLINK("http://evil.example")`, '0.05', '', '82.35'],
      ['2026-11-30', 'tx3', '结算付款', '', '', "'@SUM(A1:A9)", '', '50.00', '32.35'],
      ['2026-11-30', 'tx4', '结算付款', '', '', "'-2+3", '', '30.00', '2.35'],
      ['2026-12-01', '', '期末余额', '', '', '', '72.35', '80.00', '2.35'],
    ]);
  });

  it('writes English headers and kinds', () => {
    const rows = parse(statementCsv(statement, 'en').slice(1)) as string[][];
    expect(rows[0]).toEqual(['Date', 'Transaction', 'Type', 'Work', 'Order', 'Memo', 'Owed (CNY)', 'Paid (CNY)', 'Balance (CNY)']);
    expect(rows.map((r) => r[2])).toEqual(['Type', 'Opening balance', 'Payment share', 'Adjustment', 'Settlement', 'Settlement', 'Closing balance']);
  });

  it('quotes every cell (RFC 4180): commas, quotes and line breaks survive, lines end in CRLF', () => {
    const s = buildStatement({ partyId: 'p', currency: 'JPY', from: '2026-11-01', to: '2026-12-01', opening: 0, postings: [posting('2026-11-02', -300, { memo: 'a,b\r\n"c"' })] });
    const text = statementCsv(s, 'en');
    expect(text).toContain('"a,b\r\n""c"""');
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parse(text.slice(1)) as string[][];
    expect(rows[2]![5]).toBe('a,b\r\n"c"');
    expect(rows[2]!.slice(6)).toEqual(['300', '', '300']);
  });

  it('leaves a negative balance a number, not a prefixed text', () => {
    const s = buildStatement({ partyId: 'p', currency: 'CNY', from: '2026-11-01', to: '2026-12-01', opening: -150, postings: [] });
    const rows = parse(statementCsv(s, 'en').slice(1)) as string[][];
    expect(rows.at(-1)!.at(-1)).toBe('-1.50');
  });
});
