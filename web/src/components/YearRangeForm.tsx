import { useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n';

interface Props {
  from: string;
  to: string;
  onApply: (from: string, to: string) => void;
}

/** From/to year inputs; negative years are BCE. */
export function YearRangeForm({ from, to, onApply }: Props) {
  const { t } = useI18n();
  const [draftFrom, setDraftFrom] = useState(from);
  const [draftTo, setDraftTo] = useState(to);
  const [invalid, setInvalid] = useState(false);
  const id = useId();
  useEffect(() => {
    setDraftFrom(from);
    setDraftTo(to);
  }, [from, to]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const a = draftFrom.trim();
    const b = draftTo.trim();
    if (a && b && Number(a) > Number(b)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    onApply(a, b);
  };

  return (
    <form className="facet-group year-range" onSubmit={submit} noValidate>
      <fieldset>
        <legend>{t('years.legend')}</legend>
        <p className="hint" id={`${id}-hint`}>
          {t('years.hint')}
        </p>
        <div className="year-inputs">
          <div className="field">
            <label htmlFor={`${id}-from`}>{t('years.from')}</label>
            <input id={`${id}-from`} type="number" inputMode="numeric" step={1} min={-10000} max={3000} value={draftFrom} aria-describedby={`${id}-hint`} aria-invalid={invalid || undefined} onChange={(e) => setDraftFrom(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`}>{t('years.to')}</label>
            <input id={`${id}-to`} type="number" inputMode="numeric" step={1} min={-10000} max={3000} value={draftTo} aria-describedby={`${id}-hint`} aria-invalid={invalid || undefined} onChange={(e) => setDraftTo(e.target.value)} />
          </div>
        </div>
        {invalid && (
          <p className="field-error" role="alert">
            {t('years.invalid')}
          </p>
        )}
        <button type="submit" className="button">
          {t('years.apply')}
        </button>
      </fieldset>
    </form>
  );
}
