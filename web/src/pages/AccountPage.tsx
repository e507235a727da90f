import { PasskeysSection } from '../components/account/PasskeysSection';
import { PasswordSection } from '../components/account/PasswordSection';
import { SessionsSection } from '../components/account/SessionsSection';
import { TokensSection } from '../components/account/TokensSection';
import { TwoFactorPolicySection } from '../components/account/TwoFactorPolicySection';
import { TwoFactorSection } from '../components/account/TwoFactorSection';
import { UploadUsageRow } from '../components/account/UploadUsageRow';
import { PrivacySection } from '../components/privacy/PrivacySection';
import { AccountCountrySection } from '../components/transfer/AccountCountrySection';
import { ConsentSection } from '../components/recommend/ConsentSection';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useSession } from '../session';

/** The signed-in user's own page: who they are, two-factor sign-in, sessions, recommendations consent, API tokens, password. */
export function AccountPage() {
  return <Account />;
}

function Account() {
  const { t } = useI18n();
  const { user } = useSession();
  usePageTitle(t('account.title'));
  if (!user) return null;
  return (
    <div className="account-page">
      <h1>{t('account.title')}</h1>
      <dl className="metadata compact">
        <div className="metadata-row">
          <dt>{t('users.username')}</dt>
          <dd>{user.username}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('users.displayName')}</dt>
          <dd>{user.displayName}</dd>
        </div>
        <div className="metadata-row">
          <dt>{t('users.role')}</dt>
          <dd>{t(`userRole.${user.role}`)}</dd>
        </div>
        {(user.role === 'admin' || user.role === 'curator' || user.role === 'creator') && <UploadUsageRow />}
      </dl>
      <TwoFactorSection />
      <PasskeysSection />
      <SessionsSection />
      {user.role === 'admin' && <TwoFactorPolicySection />}
      <ConsentSection />
      <TokensSection />
      <PasswordSection />
      <PrivacySection />
      <AccountCountrySection />
    </div>
  );
}
