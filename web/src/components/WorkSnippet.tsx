import { Fragment } from 'react';
import { useI18n } from '../i18n';
import { htmlLang } from '../lang';
import type { SearchSnippet } from '../types';

/** Where a work matched the search: the field's name, then its text in its own language with the match marked. */
export function WorkSnippet({ snippet }: { snippet: SearchSnippet }) {
  const { t } = useI18n();
  return (
    <p className="work-card-snippet" data-testid="work-snippet">
      <span className="work-card-snippet-field">{t(`snippet.field.${snippet.field}`)}</span>{' '}
      <span lang={snippet.lang ? htmlLang(snippet.lang) : undefined}>
        {snippet.segments.map((segment, i) => (segment.match ? <mark key={i}>{segment.text}</mark> : <Fragment key={i}>{segment.text}</Fragment>))}
      </span>
    </p>
  );
}
