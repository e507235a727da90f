import { Link, useSearchParams } from 'react-router';
import { FixitySection } from '../components/admin/FixitySection';
import { JobsSection } from '../components/admin/JobsSection';
import { RegistryHealthSection } from '../components/admin/RegistryHealthSection';
import { UsersSection } from '../components/admin/UsersSection';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { useSession } from '../session';
import { JOB_STATUSES, type JobStatus } from '../types';

/** Administration: users, background jobs and fixity (curators see fixity only). */
export function AdminPage() {
  return <AdminSections />;
}

function AdminSections() {
  const { t } = useI18n();
  const { hasRole } = useSession();
  const [query] = useSearchParams();
  const admin = hasRole('admin');
  const rawStatus = query.get('jobs') ?? '';
  const status = (JOB_STATUSES as readonly string[]).includes(rawStatus) ? (rawStatus as JobStatus) : '';
  const page = Math.max(1, Number(query.get('jobsPage')) || 1);
  const hrefFor = (s: JobStatus | '', p: number) => {
    const next = new URLSearchParams();
    if (s) next.set('jobs', s);
    if (p > 1) next.set('jobsPage', String(p));
    const search = next.toString();
    return '/admin' + (search ? '?' + search : '');
  };

  usePageTitle(t('admin.title'));

  return (
    <div className="admin-page">
      <h1>{t('admin.title')}</h1>
      {admin && (
        <p>
          <Link to="/setup" data-testid="admin-setup-link">
            {t('setup.adminLink')}
          </Link>
        </p>
      )}
      {admin && (
        <p>
          <Link to="/admin/audit" data-testid="admin-audit-link">
            {t('audit.link')}
          </Link>
        </p>
      )}
      {admin && (
        <p>
          <Link to="/admin/privacy" data-testid="admin-privacy-link">
            {t('privacy.admin.link')}
          </Link>
        </p>
      )}
      <p>
        <Link to="/admin/transfers" data-testid="admin-transfers-link">
          {t('transfer.link')}
        </Link>
      </p>
      <p>
        <Link to="/recommendations/curate" data-testid="admin-recommend-link">
          {t('recommend.curate.link')}
        </Link>
      </p>
      {admin && <UsersSection />}
      {admin && <JobsSection status={status} page={page} hrefFor={hrefFor} />}
      <FixitySection canRun={admin} />
      <RegistryHealthSection />
    </div>
  );
}
