import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { catalogueHref } from '../catalogue-query';
import { collectionAncestry } from '../collection-tree';
import { workDateText } from '../format';
import { useI18n } from '../i18n';
import { heritageLabel, industryLabel, knownLabel, noteLabel } from '../labels';
import { rightsLabel } from '../rights';
import { safeHttpUrl } from '../safe-url';
import type { Collection, Vocabulary, WorkDetail } from '../types';
import { LangText } from './LangText';

interface Props {
  work: WorkDetail;
  vocabulary: Vocabulary | null;
  /** Every collection the reader can see (GET /api/collections), to name the work's and its parents. */
  collections: Collection[];
  /** Rows to leave out (shown elsewhere on the page): `inscriptions`, `rights`, `version`… */
  exclude?: readonly string[];
  /** Only these rows (the staff tab's record facts). */
  only?: readonly string[];
}

/** The metadata fields of a work as a compact definition list, labels in the interface language. */
export function WorkMetadataList({ work, vocabulary, collections, exclude = [], only }: Props) {
  const i18n = useI18n();
  const { t, lang, formatYear, formatDateTime, formatNumber } = i18n;
  const m = work.metadata;
  const rows: { key: string; label: string; value: ReactNode }[] = [];
  const add = (key: string, label: string, value: ReactNode) => {
    const field = key.startsWith('note-') ? 'notes' : key;
    if (exclude.includes(field) || (only && !only.includes(field))) return;
    if (value !== null && value !== undefined && value !== false && value !== '') rows.push({ key, label, value });
  };

  if (m.creators.length > 0) {
    add(
      'creators',
      t('field.creators'),
      <ul className="plain-list">
        {m.creators.map((c, i) => (
          <li key={i}>
            <LangText
              map={c.name}
              after={
                <>
                  <span className="role-tag">{knownLabel(i18n, 'creatorRole', c.role)}</span>
                  {c.lifeDates && <span className="muted"> ({c.lifeDates})</span>}
                  {c.nationality && <span className="muted"> · {c.nationality}</span>}
                </>
              }
            />
          </li>
        ))}
      </ul>,
    );
  }
  const dateText = workDateText(m.date, i18n);
  if (dateText) {
    const { earliest, latest } = m.date ?? {};
    const hasDisplay = Boolean(i18n.pick(m.date?.display));
    const years = earliest !== undefined && latest !== undefined ? t('year.range', { from: formatYear(earliest), to: formatYear(latest) }) : earliest !== undefined ? formatYear(earliest) : latest !== undefined ? formatYear(latest) : '';
    add(
      'date',
      t('field.date'),
      <>
        {hasDisplay ? <LangText map={m.date?.display} after={years && <span className="muted"> ({years})</span>} /> : dateText}
      </>,
    );
  }
  if (m.medium) add('medium', t('field.medium'), <LangText map={m.medium} />);
  if (m.dimensions) add('dimensions', t('field.dimensions'), <LangText map={m.dimensions} />);
  if (m.place) add('place', t('field.place'), <LangText map={m.place} />);
  if (m.subjects.length > 0) {
    add(
      'subjects',
      t('field.subjects'),
      <ul className="tag-list">
        {m.subjects.map((s, i) => (
          <li key={i}>
            <LangText map={s} others="none" />
          </li>
        ))}
      </ul>,
    );
  }
  if (m.inscriptions.length > 0) {
    add(
      'inscriptions',
      t('field.inscriptions'),
      <ul className="plain-list inscriptions">
        {m.inscriptions.map((ins, i) => (
          <li key={i}>
            <span className="role-tag">{knownLabel(i18n, 'inscription', ins.kind)}</span>
            <div className="inscription-text">
              <LangText map={ins.text} multiline others="collapsed" />
            </div>
          </li>
        ))}
      </ul>,
    );
  }
  if (m.provenance) add('provenance', t('field.provenance'), <LangText map={m.provenance} multiline others="collapsed" />);
  if (m.institution) add('institution', t('field.institution'), <LangText map={m.institution} />);
  add('inventoryNumber', t('field.inventoryNumber'), m.inventoryNumber);
  if (m.rights) {
    const href = safeHttpUrl(m.rights.uri);
    add(
      'rights',
      t('field.rights'),
      <>
        {href ? (
          <a href={href} rel="noopener noreferrer license" target="_blank">
            {rightsLabel(m.rights.uri, lang)}
          </a>
        ) : (
          m.rights.uri
        )}
        {m.rights.note && (
          <div className="muted">
            <LangText map={m.rights.note} multiline />
          </div>
        )}
      </>,
    );
  }
  const { industry, heritage } = m.classification;
  if (industry || heritage) {
    add(
      'classification',
      t('field.classification'),
      <ul className="plain-list">
        {industry && (
          <li>
            <span className="muted">{t('field.industry')}: </span>
            {industry} {industryLabel(industry, vocabulary, lang)}
          </li>
        )}
        {heritage && (
          <li>
            <span className="muted">{t('field.heritage')}: </span>
            {heritageLabel(heritage, vocabulary, lang)}
          </li>
        )}
      </ul>,
    );
  }
  for (const [i, note] of m.notes.entries()) add(`note-${i}`, noteLabel(i18n, note.label), <LangText map={note.text} multiline others="collapsed" />);
  if (m.sourceUrl) {
    const href = safeHttpUrl(m.sourceUrl);
    add(
      'sourceUrl',
      t('field.sourceUrl'),
      href ? (
        <a href={href} rel="noopener noreferrer" target="_blank" className="break">
          {m.sourceUrl}
        </a>
      ) : (
        <span className="break">{m.sourceUrl}</span>
      ),
    );
  }
  // The work's collection and the collections above it, each a link to the catalogue filtered by it.
  // A collection this reader may not see is not named at all.
  const ancestry = collectionAncestry(collections, work.collectionId);
  if (ancestry.length > 0) {
    add(
      'collection',
      t('field.collection'),
      <ol className="collection-trail" aria-label={ancestry.length > 1 ? t('work.collectionPath') : undefined}>
        {ancestry.map((c, i) => {
          const leaf = i === ancestry.length - 1;
          return (
            <li key={c.id}>
              <Link to={catalogueHref(new URLSearchParams(), { collection: c.id })} data-testid={leaf ? 'work-collection-link' : 'work-collection-ancestor-link'}>
                <LangText map={c.name} others="none" />
              </Link>
            </li>
          );
        })}
      </ol>,
    );
  }
  add('workType', t('field.workType'), knownLabel(i18n, 'workType', work.workType));
  add('visibility', t('field.visibility'), knownLabel(i18n, 'visibility', work.visibility));
  add('version', t('field.version'), formatNumber(work.version));
  add('updatedAt', t('field.updatedAt'), <time dateTime={work.updatedAt}>{formatDateTime(work.updatedAt)}</time>);

  return (
    <dl className="metadata metadata-details">
      {rows.map((row) => (
        <div key={row.key} className="metadata-row">
          <dt>{row.label}</dt>
          <dd>{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}
