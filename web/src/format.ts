import type { I18n } from './i18n';
import type { WorkDate } from './types';

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** A file size in the reader's language: "2.4 MB", "2.4 MB" (units are international). */
export function formatBytes(size: number, lang: string): string {
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(lang, { style: 'unit', unit: UNITS[unit], unitDisplay: 'short', maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
}

/** The date of a work as written, else its year range ("1368 – 1644", "206 BCE – 220"). */
export function workDateText(date: WorkDate | null | undefined, i18n: Pick<I18n, 'pick' | 'formatYear' | 't'>): string | undefined {
  if (!date) return undefined;
  const display = i18n.pick(date.display);
  if (display) return display;
  const { earliest, latest } = date;
  if (earliest !== undefined && latest !== undefined && earliest !== latest) {
    return i18n.t('year.range', { from: i18n.formatYear(earliest), to: i18n.formatYear(latest) });
  }
  const year = earliest ?? latest;
  return year === undefined ? undefined : i18n.formatYear(year);
}
