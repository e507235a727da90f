import { useEffect, useId, useState } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import type { WorkSummary } from '../../types';
import { errorText } from '../ErrorMessage';

interface Props {
  /** Names the search ("Find the work this section shows", "Add a linked work"). */
  label: string;
  onPick: (work: WorkSummary) => void;
  onCancel?: () => void;
}

/**
 * Finds a work in the catalogue (the same search visitors use; staff also find private works, which
 * the result marks) and hands the chosen one over. A work id pasted into the box is searched too.
 */
export function WorkPicker({ label, onPick, onCancel }: Props) {
  const i18n = useI18n();
  const { t, pickEntry, formatList, pick } = i18n;
  const id = useId();
  const [text, setText] = useState('');
  const [query, setQuery] = useState<string | null>(null);
  const [results, setResults] = useState<WorkSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (query === null) return;
    let live = true;
    setBusy(true);
    setError(null);
    api.catalogue(new URLSearchParams({ q: query, pageSize: '12' }).toString()).then(
      (page) => {
        if (!live) return;
        setResults(page.items);
        setBusy(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(errorText(e, i18n));
        setBusy(false);
      },
    );
    return () => {
      live = false;
    };
    // i18n only words the error; a new language does not search again.
  }, [query]);

  const submit = (event: { preventDefault: () => void }) => {
    event.preventDefault();
    setQuery(text.trim());
  };

  return (
    <div className="work-picker" role="search" aria-labelledby={`${id}-label`}>
      {/* Not a <form>: the picker sits inside the editor's form, and forms do not nest. */}
      <div className="work-picker-bar">
        <label id={`${id}-label`} htmlFor={`${id}-q`}>
          {label}
        </label>
        <input
          id={`${id}-q`}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') submit(e);
          }}
          placeholder={t('exhibitions.picker.placeholder')}
        />
        <button type="button" className="button" onClick={submit} disabled={busy}>
          {t('exhibitions.picker.search')}
        </button>
        {onCancel && (
          <button type="button" className="button button-quiet" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
      <div aria-live="polite" aria-busy={busy}>
        {error && <p className="field-error">{error}</p>}
        {results && results.length === 0 && <p className="hint">{t('exhibitions.picker.none')}</p>}
        {results && results.length > 0 && (
          <ul className="work-picker-results">
            {results.map((work) => {
              const title = pickEntry(work.title);
              const creators = formatList(work.creators.map((c) => pick(c.name)).filter((n): n is string => Boolean(n)));
              return (
                <li key={work.id}>
                  <button type="button" className="work-picker-result" onClick={() => onPick(work)}>
                    <span className="work-picker-thumb">{work.thumbnail && <img src={work.thumbnail.url} alt="" loading="lazy" />}</span>
                    <span className="work-picker-text">
                      <span lang={title ? htmlLang(title[0]) : undefined}>{title?.[1] ?? work.id}</span>
                      <span className="hint">
                        {[creators, work.id].filter(Boolean).join(' · ')}
                        {work.visibility === 'private' && <span className="badge badge-private">{t('card.private')}</span>}
                      </span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </div>
  );
}
