import { useEffect, useId, useState, type FormEvent } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { CATALOGUE_PATH, catalogueHref } from '../catalogue-query';
import { useI18n } from '../i18n';
import { SearchIcon } from './icons';

/** The header search box; on the catalogue it keeps the current filters and starts again at page 1. */
export function SearchForm() {
  const { t } = useI18n();
  const onCatalogue = useLocation().pathname === CATALOGUE_PATH;
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const current = onCatalogue ? (params.get('q') ?? '') : '';
  const [value, setValue] = useState(current);
  const id = useId();
  useEffect(() => setValue(current), [current]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const query = onCatalogue ? new URLSearchParams(params) : new URLSearchParams();
    const q = value.trim();
    if (q) query.set('q', q);
    else query.delete('q');
    query.delete('page');
    if (!q && query.get('sort') === 'relevance') query.delete('sort');
    navigate(catalogueHref(query, {}));
  };

  return (
    <form role="search" className="search-form" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {t('search.label')}
      </label>
      <input
        id={id}
        type="search"
        name="q"
        data-testid="search-input"
        value={value}
        placeholder={t('search.placeholder')}
        onChange={(e) => setValue(e.target.value)}
        maxLength={500}
        autoComplete="off"
        enterKeyHint="search"
      />
      <button type="submit" className="button button-primary">
        <SearchIcon size="1.1em" />
        <span className="search-submit-label">{t('search.submit')}</span>
      </button>
    </form>
  );
}
