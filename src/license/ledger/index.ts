// The ledger's pure core: money, royalty splits, double-entry postings and statements.
export {
  CURRENCY_MINOR_UNITS, DEFAULT_CURRENCY, MoneyError, assertMinor, assertNonNegativeMinor, formatMinor, isKnownCurrency, minorUnits, toMinor,
  type MoneyErrorCode,
} from './money.js';
export {
  MAX_SPLIT_PARTIES, SplitError, TOTAL_BASIS_POINTS, allocate, checkCarveOuts, checkSplit, splitPayment,
  type CarveOut, type SplitIssue, type SplitIssueCode, type SplitLine, type SplitShare,
} from './split.js';
export {
  BANK_ACCOUNT, LedgerError, PAYABLE_PREFIX, PLATFORM_INCOME_ACCOUNT, assertBalanced, payableAccount, paymentPostings, settlementPostings, transferPostings,
  type LedgerErrorCode, type Posting,
} from './postings.js';
export { buildStatement, statementCsv, type Statement, type StatementKind, type StatementLine, type StatementPosting } from './statement.js';
export { STATEMENT_LABELS, type StatementLabels, type StatementLang } from './statement-labels.js';
