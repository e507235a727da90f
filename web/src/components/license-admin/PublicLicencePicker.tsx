import { useId, useState } from 'react';
import { useI18n } from '../../i18n';
import type { LicensePolicy } from '../../types';
import { errorText } from '../ErrorMessage';
import { licenseAdminApi } from './license-admin-api';
import { licenceOptionOf, PUBLIC_LICENCES } from './public-licences';

/**
 * The public licence of a work or collection: "none" or one Creative Commons licence or
 * RightsStatements.org statement, each with what it lets anyone do in plain words.
 */
export function PublicLicencePicker({ target, current, onSaved }: { target: { type: 'work' | 'collection'; id: string }; current: LicensePolicy | null | undefined; onSaved: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const initial = licenceOptionOf(current ?? null)?.code ?? (current ? 'custom' : 'none');
  const [choice, setChoice] = useState<string>(initial);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      const option = PUBLIC_LICENCES.find((o) => o.code === choice);
      await licenseAdminApi.setPublicLicence(target, option ? option.uri : null);
      setStatus({ text: t('licenseAdmin.licence.saved'), error: false });
      onSaved();
    } catch (e) {
      setStatus({ text: errorText(e, i18n), error: true });
    } finally {
      setBusy(false);
    }
  };

  const radio = (code: string, label: string, explanation: string) => (
    <div className="la-choice" key={code}>
      <input type="radio" id={`${id}-${code}`} name={`${id}-licence`} value={code} checked={choice === code} onChange={() => setChoice(code)} aria-describedby={`${id}-${code}-hint`} data-testid={`licence-${code}`} />
      <label htmlFor={`${id}-${code}`}>{label}</label>
      <p id={`${id}-${code}-hint`} className="hint">
        {explanation}
      </p>
    </div>
  );

  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="public-licence">
      <h2 id={`${id}-heading`}>{t('licenseAdmin.licence.title')}</h2>
      <p className="hint">{t('licenseAdmin.licence.hint')}</p>
      <fieldset className="la-choices">
        <legend className="visually-hidden">{t('licenseAdmin.licence.title')}</legend>
        {radio('none', t('licenseAdmin.licence.none'), t('licenseAdmin.licence.noneHint'))}
        {initial === 'custom' && radio('custom', t('licenseAdmin.licence.custom'), t('licenseAdmin.licence.customHint'))}
        {PUBLIC_LICENCES.map((o) => radio(o.code, t(`licenseAdmin.licence.name.${o.code}`), t(`licenseAdmin.licence.explain.${o.code}`)))}
      </fieldset>
      {current && <JsonToggle value={current.odrl} />}
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={() => void save()} disabled={busy || choice === 'custom' || choice === initial} data-testid="licence-save">
          {t('licenseAdmin.licence.save')}
        </button>
      </div>
      <p role="status" className={status ? (status.error ? 'notice notice-error' : 'notice') : 'visually-hidden'}>
        {status?.text}
      </p>
    </section>
  );
}

function JsonToggle({ value }: { value: unknown }) {
  const { t } = useI18n();
  return (
    <details className="la-details">
      <summary>{t('licenseAdmin.json.show')}</summary>
      <pre tabIndex={0} lang="en">
        {JSON.stringify(value, null, 2)}
      </pre>
    </details>
  );
}
