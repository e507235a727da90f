import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { htmlLang, otherEntries } from '../lang';
import type { LangMap } from '../types';

interface Props {
  map: LangMap | null | undefined;
  /** 'inline' lists other languages under the value (titles); 'collapsed' hides them in a disclosure (long text). */
  others?: 'inline' | 'collapsed' | 'none';
  /** Preserve line breaks (inscriptions, colophons). */
  multiline?: boolean;
  /** Shown right after the chosen value, before the other languages (a role, a year range). */
  after?: ReactNode;
}

/**
 * A metadata value in the reader's language, tagged with its real language, plus the other
 * languages it exists in. Always rendered as text, never as HTML.
 */
export function LangText({ map, others = 'inline', multiline = false, after }: Props) {
  const { pickEntry, langName, t } = useI18n();
  const entry = pickEntry(map);
  if (!entry) return null;
  const [tag, value] = entry;
  const rest = others === 'none' ? [] : otherEntries(map, tag);
  const textClass = multiline ? 'prewrap' : undefined;
  const alternates = rest.map(([otherTag, otherValue]) => (
    <span className="lang-alt" key={otherTag}>
      {/* The language in words ("Traditional Chinese"), never its code. */}
      <span className="lang-name">{langName(otherTag)}</span>{' '}
      <span lang={htmlLang(otherTag)} className={textClass}>
        {otherValue}
      </span>
    </span>
  ));
  return (
    <>
      <span lang={htmlLang(tag)} className={textClass}>
        {value}
      </span>
      {after}
      {rest.length > 0 && others === 'inline' && (
        <span className="lang-alts">
          <span className="visually-hidden">{t('langs.alsoIn')}: </span>
          {alternates}
        </span>
      )}
      {rest.length > 0 && others === 'collapsed' && (
        <details className="lang-details">
          <summary>{t('langs.showOthers', { count: rest.length })}</summary>
          <span className="lang-alts">{alternates}</span>
        </details>
      )}
    </>
  );
}
