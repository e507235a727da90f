import type { ReactNode } from 'react';
import { workDateText } from '../../format';
import { useI18n } from '../../i18n';
import { knownLabel } from '../../labels';
import { htmlLang, otherEntries } from '../../lang';
import type { LangMap, WorkDetail } from '../../types';

/** One value in the reader's language, tagged with its own. */
function Picked({ map }: { map: LangMap | null | undefined }) {
  const { pickEntry } = useI18n();
  const entry = pickEntry(map);
  return entry ? <span lang={htmlLang(entry[0])}>{entry[1]}</span> : null;
}

/** A line of the tombstone, labelled for screen readers only (sighted readers know a date when they see one). */
function Line({ label, children, className }: { label: string; children: ReactNode; className?: string }) {
  return (
    <p className={className ? `tombstone-line ${className}` : 'tombstone-line'}>
      <span className="visually-hidden">{label}: </span>
      {children}
    </p>
  );
}

interface Props {
  work: WorkDetail;
  /** The title heading, or null when it is set vertically beside the image instead. */
  title: ReactNode;
  /** The language tag of the title shown, to list the others. */
  titleTag: string | undefined;
}

/**
 * The museum label under the image: title and its other languages, creators with role and life
 * dates, date, medium, dimensions, institution and inventory number.
 */
export function WorkTombstone({ work, title, titleTag }: Props) {
  const i18n = useI18n();
  const { t, langName, pick } = i18n;
  const m = work.metadata;
  const otherTitles = otherEntries(m.title, titleTag);
  const date = workDateText(m.date, i18n);
  const sizeAndMedium = [m.medium, m.dimensions].filter((v): v is LangMap => Boolean(pick(v)));

  return (
    <header className="work-tombstone">
      {title}
      {otherTitles.length > 0 && (
        <ul className="tombstone-titles" aria-label={t('work.otherTitles')}>
          {otherTitles.map(([tag, value]) => (
            <li key={tag}>
              <span lang={htmlLang(tag)} className="tombstone-alt-title">
                {value}
              </span>{' '}
              <span className="tombstone-lang">{langName(tag)}</span>
            </li>
          ))}
        </ul>
      )}
      {m.creators.length > 0 && (
        <ul className="tombstone-creators" aria-label={t('field.creators')}>
          {m.creators.map((c, i) => (
            <li key={i}>
              <span className="tombstone-role">{knownLabel(i18n, 'creatorRole', c.role)}</span> <Picked map={c.name} />
              {(c.lifeDates || c.nationality) && <span className="tombstone-life"> ({[c.nationality, c.lifeDates].filter(Boolean).join(', ')})</span>}
            </li>
          ))}
        </ul>
      )}
      {date && (
        <Line label={t('field.date')} className="tombstone-date">
          {date}
        </Line>
      )}
      {sizeAndMedium.length > 0 && (
        <Line label={`${t('field.medium')}, ${t('field.dimensions')}`}>
          {sizeAndMedium.map((map, i) => (
            <span key={i}>
              {i > 0 && <span aria-hidden="true"> · </span>}
              <Picked map={map} />
            </span>
          ))}
        </Line>
      )}
      {(m.institution || m.inventoryNumber) && (
        <Line label={t('field.institution')} className="tombstone-institution">
          <Picked map={m.institution} />
          {m.institution && m.inventoryNumber && <span aria-hidden="true"> · </span>}
          {m.inventoryNumber && (
            <span>
              <span className="visually-hidden">{t('field.inventoryNumber')}: </span>
              {m.inventoryNumber}
            </span>
          )}
        </Line>
      )}
      {work.visibility === 'private' && <span className="badge badge-private">{t('card.private')}</span>}
    </header>
  );
}
