import { useState } from 'react';
import { useI18n } from '../i18n';
import { facetValueLabel } from '../labels';
import type { FacetName, Vocabulary } from '../types';
import { ChevronDownIcon, ChevronUpIcon } from './icons';

const SHOWN = 8;

interface Props {
  facet: FacetName;
  values: { value: string; count: number }[];
  selected: string[];
  vocabulary: Vocabulary | null;
  onToggle: (facet: FacetName, value: string) => void;
}

/** One facet as a fieldset of checkboxes with counts; selected values stay listed even at count 0. */
export function FacetGroup({ facet, values, selected, vocabulary, onToggle }: Props) {
  const i18n = useI18n();
  const { t, formatNumber } = i18n;
  const [expanded, setExpanded] = useState(false);
  const known = new Set(values.map((v) => v.value));
  const all = [...values, ...selected.filter((s) => !known.has(s)).map((value) => ({ value, count: 0 }))];
  if (all.length === 0) return null;
  const shown = expanded ? all : all.filter((v, i) => i < SHOWN || selected.includes(v.value));
  const hidden = all.length - shown.length;
  const listId = `facet-${facet}-list`;

  return (
    <fieldset className="facet-group">
      <legend>{t(`facet.${facet}`)}</legend>
      <ul id={listId}>
        {shown.map(({ value, count }, index) => {
          const id = `facet-${facet}-${index}`;
          const label = facetValueLabel(facet, value, vocabulary, i18n);
          return (
            <li key={value}>
              <input id={id} type="checkbox" checked={selected.includes(value)} onChange={() => onToggle(facet, value)} />
              <label htmlFor={id}>
                <span className="facet-label">{label}</span>
                <span className="facet-count">
                  <span aria-hidden="true">{formatNumber(count)}</span>
                  <span className="visually-hidden">{t('facet.count', { count })}</span>
                </span>
              </label>
            </li>
          );
        })}
      </ul>
      {(hidden > 0 || expanded) && all.length > SHOWN && (
        <button type="button" className="link-button facet-more" aria-expanded={expanded} aria-controls={listId} onClick={() => setExpanded(!expanded)}>
          {expanded ? <ChevronUpIcon size="1em" /> : <ChevronDownIcon size="1em" />} {expanded ? t('facet.showLess') : t('facet.showMore', { count: formatNumber(hidden) })}
        </button>
      )}
    </fieldset>
  );
}
