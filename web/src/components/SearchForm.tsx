import { useEffect, useId, useState, type FormEvent } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { useI18n } from '../i18n';

/** The header search box; on the catalogue it keeps the current filters and starts again at page 1. */
export function SearchForm() {
  const { t } = useI18n();
  const onCatalogue = useLocation().pathname === '/';
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
    const search = query.toString();
    navigate('/' + (search ? '?' + search : ''));
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
        {t('search.submit')}
      </button>
    </form>
  );
}
