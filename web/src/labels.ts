import type { I18n } from './i18n';
import { parseLangMapJson, pickLang } from './lang';
import { rightsLabel } from './rights';
import type { FacetName, Vocabulary } from './types';

type Labels = { 'zh-Hans'?: string; zh?: string; en?: string };

function fromLabels(labels: Labels | undefined, lang: string): string | undefined {
  if (!labels) return undefined;
  return lang === 'en' ? (labels.en ?? labels['zh-Hans'] ?? labels.zh) : (labels['zh-Hans'] ?? labels.zh ?? labels.en);
}

/** English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st… */
export function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** Century keys the server may use for periods outside Chinese dynasties: c15, c-3, c3bce, bce-c3. */
export function centuryLabel(key: string, i18n: Pick<I18n, 't' | 'lang'>): string | null {
  const match = /^(bce-)?c(-?)(\d{1,3})(bce)?$/i.exec(key);
  if (!match) return null;
  const n = Number(match[3]);
  const bce = Boolean(match[1] || match[2] || match[4]);
  const shown = i18n.lang === 'en' ? ordinal(n) : String(n);
  return i18n.t(bce ? 'century.bce' : 'century.ce', { n: shown });
}

/** Label of a period key: the vocabulary's, else a century, else the key itself. */
export function periodLabel(key: string, vocabulary: Vocabulary | null, i18n: Pick<I18n, 't' | 'lang'>): string {
  return fromLabels(vocabulary?.period[key], i18n.lang) ?? centuryLabel(key, i18n) ?? key;
}

/** Name of a gazetteer place key (`cn-330100` → 杭州市 / Hangzhou), else the key itself. */
export function placeLabel(key: string, vocabulary: Vocabulary | null, lang: string): string {
  return fromLabels(vocabulary?.place[key], lang) ?? key;
}

/** Label of an industry category code ('01'…'09'). */
export function industryLabel(code: string, vocabulary: Vocabulary | null, lang: string): string {
  return fromLabels(vocabulary?.industry[code], lang) ?? code;
}

/** Label of a heritage type key. */
export function heritageLabel(key: string, vocabulary: Vocabulary | null, lang: string): string {
  return fromLabels(vocabulary?.heritage[key], lang) ?? key;
}

/** A translated label when the key is known, else the raw value. */
export function knownLabel(i18n: Pick<I18n, 't' | 'has'>, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return i18n.has(key) ? i18n.t(key) : value;
}

/** A background job's kind in words (`archive.fixity` → "Fixity check"); unknown kinds keep their code. */
export function jobKindLabel(i18n: Pick<I18n, 't' | 'has'>, kind: string): string {
  const key = `jobs.kind.${kind}`;
  return i18n.has(key) ? i18n.t(key) : i18n.t('jobs.otherKind', { kind });
}

/**
 * The label of a free-text note. Labels come from import mappings, mostly in English
 * ("Publications", "Credit line"); the common ones are translated, others are shown as written.
 */
export function noteLabel(i18n: Pick<I18n, 't' | 'has'>, label: string): string {
  const slug = label.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const key = `note.${slug}`;
  return slug && i18n.has(key) ? i18n.t(key) : label;
}

/** Human label of one facet value. */
export function facetValueLabel(facet: FacetName, value: string, vocabulary: Vocabulary | null, i18n: Pick<I18n, 't' | 'has' | 'lang'>): string {
  switch (facet) {
    case 'industry':
      return industryLabel(value, vocabulary, i18n.lang);
    case 'heritage':
      return heritageLabel(value, vocabulary, i18n.lang);
    case 'period':
      return periodLabel(value, vocabulary, i18n);
    case 'medium':
    case 'institution':
      return pickLang(parseLangMapJson(value), i18n.lang) ?? value;
    case 'rights':
      return rightsLabel(value, i18n.lang);
    case 'type':
      return knownLabel(i18n, 'workType', value);
    case 'visibility':
      return knownLabel(i18n, 'visibility', value);
    case 'place':
      return placeLabel(value, vocabulary, i18n.lang);
  }
}
