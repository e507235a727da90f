import { useId, useState } from 'react';
import { useI18n } from '../../i18n';
import type { LicenseParty } from '../../types';
import { errorText } from '../ErrorMessage';
import { licenseAdminApi } from './license-admin-api';

export const PARTY_KINDS: readonly LicenseParty['kind'][] = ['person', 'institution', 'community', 'estate', 'organisation'];

/** Adds a party (a community, a fund, an heir) that royalties and heritage shares can be paid to. */
export function PartyQuickForm({ onCreated }: { onCreated: (party: LicenseParty) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [kind, setKind] = useState<LicenseParty['kind']>('community');
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setStatus(null);
    if (!zh.trim() && !en.trim()) {
      setStatus({ text: t('licenseAdmin.party.nameRequired'), error: true });
      return;
    }
    setBusy(true);
    try {
      const party = await licenseAdminApi.createParty({ kind, name: { ...(zh.trim() ? { 'zh-Hans': zh.trim() } : {}), ...(en.trim() ? { en: en.trim() } : {}) } });
      setZh('');
      setEn('');
      setStatus({ text: t('licenseAdmin.party.created'), error: false });
      onCreated(party);
    } catch (e) {
      setStatus({ text: errorText(e, i18n), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="panel"
      aria-labelledby={`${id}-heading`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      data-testid="party-form"
    >
      <h2 id={`${id}-heading`}>{t('licenseAdmin.party.newTitle')}</h2>
      <div className="inline-form">
        <div className="field">
          <label htmlFor={`${id}-kind`}>{t('licenseAdmin.party.kind')}</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as LicenseParty['kind'])} data-testid="party-kind">
            {PARTY_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`licenseAdmin.party.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-zh`}>{t('licenseAdmin.party.nameZh')}</label>
          <input id={`${id}-zh`} lang="zh-Hans" type="text" value={zh} onChange={(e) => setZh(e.target.value)} data-testid="party-name-zh" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-en`}>{t('licenseAdmin.party.nameEn')}</label>
          <input id={`${id}-en`} lang="en" type="text" value={en} onChange={(e) => setEn(e.target.value)} data-testid="party-name-en" />
        </div>
        <button type="submit" className="button" disabled={busy} data-testid="party-create">
          {t('licenseAdmin.party.create')}
        </button>
      </div>
      <p role="status" className={status ? (status.error ? 'notice notice-error' : 'notice') : 'visually-hidden'}>
        {status?.text}
      </p>
    </form>
  );
}
