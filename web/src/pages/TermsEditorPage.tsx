import { useId, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { licenseAdminApi } from '../components/license-admin/license-admin-api';
import { OfferBuilderForm } from '../components/license-admin/OfferBuilderForm';
import { OfferList } from '../components/license-admin/OfferList';
import { PublicLicencePicker } from '../components/license-admin/PublicLicencePicker';
import { RoyaltySplitEditor } from '../components/license-admin/RoyaltySplitEditor';
import { WorkHeritagePicker } from '../components/license-admin/WorkHeritagePicker';
import type { OfferDraft } from '../components/license-admin/offer-builder';
import { Loading } from '../components/Loading';
import { useI18n } from '../i18n';
import { usePageTitle } from '../instance';
import { htmlLang } from '../lang';
import type { LicensePolicy } from '../types';
import { useApi } from '../use-api';
import '../styles/license-admin.css';

/**
 * /works/:id/terms and /collections/:id/terms, for those who manage the work: its public licence,
 * its commercial offers (built with a form, never typed as JSON; the JSON-LD is shown as made), and
 * for a work the heritage elements it uses and its royalty split. A collection's terms apply to every
 * work in it.
 */
export function TermsEditorPage() {
  const i18n = useI18n();
  const { t, pickEntry } = i18n;
  const { id = '' } = useParams();
  const type: 'work' | 'collection' = useLocation().pathname.startsWith('/collections/') ? 'collection' : 'work';
  const target = { type, id };
  const headingId = useId();
  const name = useApi(async () => (type === 'work' ? (await api.work(id)).metadata.title : ((await api.collections()).items.find((c) => c.id === id)?.name ?? null)), `${type}:${id}`);
  const terms = useApi(() => (type === 'work' ? licenseAdminApi.terms(id) : Promise.resolve(null)), `terms:${type}:${id}`);
  const offers = useApi(() => licenseAdminApi.offers(target), `offers:${type}:${id}`);
  const [editing, setEditing] = useState<{ offer: LicensePolicy; draft: OfferDraft } | null>(null);
  const title = pickEntry(name.data ?? null);
  usePageTitle(t('licenseAdmin.terms.pageTitle', { name: title?.[1] ?? id }));

  if (name.error && !name.data) return <ErrorMessage error={name.error} onRetry={name.reload} />;
  const reloadAll = () => {
    terms.reload();
    offers.reload();
  };

  return (
    <div className="la-page">
      <p>
        <Link to={type === 'work' ? `/works/${encodeURIComponent(id)}?tab=staff` : '/collections'}>← {t(type === 'work' ? 'licenseAdmin.terms.backToWork' : 'licenseAdmin.terms.backToCollections')}</Link>
      </p>
      <h1 id={headingId}>
        {t(type === 'work' ? 'licenseAdmin.terms.titleWork' : 'licenseAdmin.terms.titleCollection')}
        {title && (
          <>
            {': '}
            <span lang={htmlLang(title[0])}>{title[1]}</span>
          </>
        )}
      </h1>
      <p className="hint">{t('licenseAdmin.terms.intro')}</p>

      {terms.error && !terms.data ? (
        <ErrorMessage error={terms.error} onRetry={terms.reload} />
      ) : terms.loading && terms.data === undefined ? (
        <Loading />
      ) : (
        <PublicLicencePicker key={terms.data?.publicLicence?.id ?? 'none'} target={target} current={type === 'work' ? (terms.data?.publicLicenceSource === 'policy' ? terms.data.publicLicence : null) : undefined} onSaved={reloadAll} />
      )}

      <section className="panel" aria-labelledby={`${headingId}-offers`} data-testid="offers">
        <h2 id={`${headingId}-offers`}>{t('licenseAdmin.offers.title')}</h2>
        <p className="hint">{t('licenseAdmin.offers.hint')}</p>
        {offers.error && !offers.data ? <ErrorMessage error={offers.error} onRetry={offers.reload} /> : offers.data ? <OfferList offers={offers.data.items} onEdit={(offer, draft) => setEditing({ offer, draft })} onChanged={reloadAll} /> : <Loading />}
        <OfferBuilderForm
          key={editing?.offer.id ?? 'new'}
          target={target}
          editing={editing}
          onSaved={() => {
            setEditing(null);
            reloadAll();
          }}
          onCancel={() => setEditing(null)}
        />
      </section>

      {type === 'work' && <WorkHeritageSection workId={id} />}
      {type === 'work' && <RoyaltySplitEditor workId={id} />}
    </div>
  );
}

function WorkHeritageSection({ workId }: { workId: string }) {
  const elements = useApi(() => licenseAdminApi.heritageElements(), 'heritage-elements');
  const chosen = useApi(() => licenseAdminApi.workHeritage(workId), `work-heritage:${workId}`);
  const error = elements.error ?? chosen.error;
  if (error && (!elements.data || !chosen.data)) return <ErrorMessage error={error} onRetry={() => {
          elements.reload();
          chosen.reload();
        }} />;
  if (!elements.data || !chosen.data) return <Loading />;
  return <WorkHeritagePicker key={chosen.data.elementIds.join(',')} workId={workId} elements={elements.data.items} selected={chosen.data.elementIds} onSaved={chosen.reload} />;
}
