import { useId } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { transferApi } from '../../transfer-api';
import { CountryField } from './CountryField';

/** The account page's "where I am" (for cross-border transfer rules). */
export function AccountCountrySection() {
  const { t } = useI18n();
  const { user } = useSession();
  const id = useId();
  if (!user) return null;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`} data-testid="account-country">
      <h2 id={`${id}-heading`}>{t('transfer.country.heading')}</h2>
      <CountryField value={user.country ?? null} onSave={(country) => transferApi.setOwnCountry(country)} />
    </section>
  );
}
