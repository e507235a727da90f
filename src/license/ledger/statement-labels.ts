/**
 * The words of a statement CSV in each language. They leave the server inside a file a person
 * opens in a spreadsheet, where no client catalogue can translate them, so they live here.
 */
import type { StatementLine } from './statement.js';

export type StatementLang = 'zh-Hans' | 'en';

export type StatementLabels = {
  columns: { date: string; transaction: string; kind: string; work: string; order: string; memo: string; in: string; out: string; balance: string };
  kinds: Record<StatementLine['kind'], string>;
  opening: string;
  closing: string;
};

/** Column headers and row words of a statement, per language; `{currency}` is replaced by the code. */
export const STATEMENT_LABELS: Readonly<Record<StatementLang, StatementLabels>> = {
  'zh-Hans': {
    columns: { date: '日期', transaction: '交易编号', kind: '类型', work: '作品编号', order: '订单编号', memo: '摘要', in: '应得 ({currency})', out: '已付 ({currency})', balance: '余额 ({currency})' },
    kinds: { payment: '收款分账', settlement: '结算付款', adjustment: '调整' },
    opening: '期初余额',
    closing: '期末余额',
  },
  en: {
    columns: { date: 'Date', transaction: 'Transaction', kind: 'Type', work: 'Work', order: 'Order', memo: 'Memo', in: 'Owed ({currency})', out: 'Paid ({currency})', balance: 'Balance ({currency})' },
    kinds: { payment: 'Payment share', settlement: 'Settlement', adjustment: 'Adjustment' },
    opening: 'Opening balance',
    closing: 'Closing balance',
  },
};
