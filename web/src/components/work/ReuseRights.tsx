import { Fragment, useId } from 'react';
import { useI18n, type MessageKey } from '../../i18n';
import { useInstitutionName } from '../../instance';
import { htmlLang } from '../../lang';
import { rightsLabel } from '../../rights';
import { safeHttpUrl } from '../../safe-url';
import { useSession } from '../../session';
import type { FileView, WorkDetail } from '../../types';
import { creditNote, freelyReusable, reuseKind, type ReuseKind } from '../../work-reuse';
import { LangText } from '../LangText';
import { WatermarkedCopyForm } from '../protect/ProtectionPanel';
import { RegistrationNote } from '../RegistryPanel';

/** Stands for the rights holder's name inside the translated sentence. */
const SLOT = '\u0000';

const KIND_KEYS: Record<ReuseKind, MessageKey> = {
  'public-domain': 'work.reuse.publicDomain',
  open: 'work.reuse.open',
  'share-alike': 'work.reuse.shareAlike',
  'no-derivatives': 'work.reuse.noDerivatives',
  'non-commercial': 'work.reuse.nonCommercial',
  'non-commercial-no-derivatives': 'work.reuse.nonCommercialNoDerivatives',
  educational: 'work.reuse.educational',
  'in-copyright': 'work.reuse.inCopyright',
  restricted: 'work.reuse.restricted',
  'not-evaluated': 'work.reuse.notEvaluated',
  unknown: 'work.reuse.unknown',
};

interface Props {
  work: WorkDetail;
  /** The file on the stage: its download is the one offered. */
  file: FileView | undefined;
  /** The title as shown, for the credit line made up when the record has none. */
  title: string;
}

/**
 * What a visitor may do with the work, in plain words: the rights statement, whom to credit and
 * whom to ask, and the download the work's policy allows (a marked copy for signed-in readers).
 */
export function ReuseRights({ work, file, title }: Props) {
  const i18n = useI18n();
  const { t, lang, pickEntry, pick, formatList } = i18n;
  const { user } = useSession();
  const institutionName = useInstitutionName();
  const id = useId();
  const m = work.metadata;
  const kind = reuseKind(m.rights?.uri);
  const rightsHref = m.rights ? safeHttpUrl(m.rights.uri) : null;
  const holder = pickEntry(m.institution) ?? (institutionName ? ([institutionName.lang, institutionName.text] as [string, string]) : null);
  const credit = creditNote(m);
  const creators = formatList(m.creators.map((c) => pick(c.name)).filter((n): n is string => Boolean(n)));
  const madeCredit = [title, creators, holder?.[1]].filter(Boolean).join(', ');
  const download = file?.download ?? null;
  const hasImage = work.files.some((f) => f.kind === 'image');

  return (
    <section className="work-reuse" aria-labelledby={`${id}-heading`} data-testid="work-reuse" data-reuse={kind}>
      <h2 id={`${id}-heading`}>{t('work.reuse.heading')}</h2>
      <p className="work-reuse-summary">{t(KIND_KEYS[kind])}</p>
      {!freelyReusable(kind) &&
        (holder ? (
          <p>
            {/* One message with the name in place; the name keeps its own language tag. */}
            {t('work.reuse.contact', { holder: SLOT })
              .split(SLOT)
              .map((part, i) => (
                <Fragment key={i}>
                  {i > 0 && <span lang={htmlLang(holder[0])}>{holder[1]}</span>}
                  {part}
                </Fragment>
              ))}
          </p>
        ) : (
          <p>{t('work.reuse.contactHolder')}</p>
        ))}
      {m.rights && (
        <p className="work-reuse-statement">
          <span>{t('field.rights')}: </span>
          {rightsHref ? (
            <a href={rightsHref} rel="noopener noreferrer license" target="_blank">
              {rightsLabel(m.rights.uri, lang)}
            </a>
          ) : (
            m.rights.uri
          )}
        </p>
      )}
      {m.rights?.note && (
        <div className="muted">
          <LangText map={m.rights.note} multiline others="collapsed" />
        </div>
      )}
      <div className="work-reuse-credit">
        <p className="work-reuse-label">{t('work.reuse.credit')}</p>
        <p className="credit-line">{credit ? <LangText map={credit} others="none" /> : madeCredit}</p>
      </div>
      {file &&
        (download ? (
          <p className="work-reuse-download">
            <a className="button button-primary" href={download.url} download={file.name} data-testid="work-download">
              {t(download.kind === 'master' ? 'work.reuse.downloadMaster' : 'work.reuse.downloadDisplay')}
              {/* Which file, for screen readers; the visible words stay the start of the name (WCAG 2.5.3). */}
              <span className="visually-hidden"> ({file.name})</span>
            </a>
            {download.kind === 'display' && <span className="hint">{t('work.reuse.displayOnly')}</span>}
          </p>
        ) : (
          <p className="hint">{t('work.reuse.noDownload')}</p>
        ))}
      {/* Editors find the marked copies with the other protection tools, in the staff tab. */}
      {user && !work.canEdit && hasImage && work.download.policy !== 'none' && <WatermarkedCopyForm workId={work.id} />}
      <RegistrationNote workId={work.id} />
    </section>
  );
}
