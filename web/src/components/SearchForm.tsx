import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api';
import { CATALOGUE_PATH, catalogueHref } from '../catalogue-query';
import { useI18n } from '../i18n';
import { htmlLang } from '../lang';
import { moveActive, SUGGEST_DEBOUNCE_MS, suggestionHref, wantsSuggestions } from '../search-suggest';
import type { SearchSuggestion } from '../types';
import { SearchIcon } from './icons';

/**
 * The header search box; on the catalogue it keeps the current filters and starts again at page 1.
 * As you type it offers titles, creators and places (an ARIA 1.2 combobox: the arrows move through
 * the list while focus stays in the box, Enter takes the active one, Escape closes it).
 */
export function SearchForm() {
  const { t } = useI18n();
  const onCatalogue = useLocation().pathname === CATALOGUE_PATH;
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const current = onCatalogue ? (params.get('q') ?? '') : '';
  const [value, setValue] = useState(current);
  const id = useId();
  const listId = `${id}-suggestions`;
  const [suggestions, setSuggestions] = useState<SearchSuggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  // Only what the reader types asks for suggestions (not the query a page loads with).
  const [typed, setTyped] = useState<string | null>(null);
  const asked = useRef(0);
  useEffect(() => setValue(current), [current]);

  useEffect(() => {
    if (typed === null || !wantsSuggestions(typed)) {
      setSuggestions([]);
      return;
    }
    const request = ++asked.current;
    const timer = setTimeout(() => {
      api
        .suggest(typed.trim())
        .then(({ items }) => {
          // An answer to an older prefix that arrives late is dropped.
          if (request !== asked.current) return;
          setSuggestions(items);
          setActive(-1);
          setOpen(true);
        })
        .catch(() => {
          if (request === asked.current) setSuggestions([]);
        });
    }, SUGGEST_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [typed]);

  const close = () => {
    asked.current++;
    setOpen(false);
    setActive(-1);
  };

  const choose = (suggestion: SearchSuggestion) => {
    close();
    setTyped(null);
    if (suggestion.kind !== 'title') setValue(suggestion.label);
    navigate(suggestionHref(suggestion));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    close();
    const query = onCatalogue ? new URLSearchParams(params) : new URLSearchParams();
    const q = value.trim();
    if (q) query.set('q', q);
    else query.delete('q');
    query.delete('page');
    if (!q && query.get('sort') === 'relevance') query.delete('sort');
    navigate(catalogueHref(query, {}));
  };

  const expanded = open && suggestions.length > 0;
  const optionId = (i: number) => `${id}-suggestion-${i}`;

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape') {
      if (expanded) {
        // Closing the list, not clearing the box (the browser's own Escape on a search field).
        event.preventDefault();
        close();
      }
      return;
    }
    if (event.key === 'Enter' && expanded && active >= 0) {
      event.preventDefault();
      choose(suggestions[active]!);
      return;
    }
    if (event.key === 'ArrowDown' && !expanded && suggestions.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive(0);
      return;
    }
    // Home and End move within the text unless an option is active.
    if (expanded && (event.key === 'ArrowDown' || event.key === 'ArrowUp' || (active >= 0 && (event.key === 'Home' || event.key === 'End')))) {
      event.preventDefault();
      setActive(moveActive(active, suggestions.length, event.key));
    }
  };

  return (
    <form role="search" className="search-form" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {t('search.label')}
      </label>
      <div className="search-combobox">
        <input
          id={id}
          type="search"
          name="q"
          data-testid="search-input"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
          value={value}
          placeholder={t('search.placeholder')}
          onChange={(e) => {
            setValue(e.target.value);
            setTyped(e.target.value);
          }}
          onKeyDown={onKeyDown}
          onBlur={close}
          maxLength={500}
          autoComplete="off"
          enterKeyHint="search"
        />
        <ul id={listId} role="listbox" aria-label={t('search.suggestions')} className="search-suggestions" hidden={!expanded} data-testid="search-suggestions">
          {expanded &&
            suggestions.map((s, i) => (
              <li
                key={`${s.kind}-${s.workId ?? ''}-${s.label}`}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                className={`search-suggestion${i === active ? ' is-active' : ''}`}
                // Keeps focus in the box, so the click is not lost to its blur.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(s)}
                onMouseEnter={() => setActive(i)}
              >
                <span className="search-suggestion-kind">{t(`search.suggest.kind.${s.kind}`)}</span>
                <span className="search-suggestion-label" lang={htmlLang(s.lang)}>
                  {s.label}
                </span>
                {s.count !== undefined && <span className="search-suggestion-count">{t('search.suggest.count', { count: s.count })}</span>}
              </li>
            ))}
        </ul>
        <span className="visually-hidden" role="status" aria-live="polite">
          {open && typed !== null && wantsSuggestions(typed) ? t('search.suggest.available', { count: suggestions.length }) : ''}
        </span>
      </div>
      <button type="submit" className="button button-primary">
        <SearchIcon size="1.1em" />
        <span className="search-submit-label">{t('search.submit')}</span>
      </button>
    </form>
  );
}
