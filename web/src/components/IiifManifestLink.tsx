import { useId, useState } from 'react';
import { useI18n } from '../i18n';
import { safeHttpUrl } from '../safe-url';
import { dragAndDropHref } from './IiifSources';

/** A small badge reading "IIIF", drawn here (not the consortium's logo file) in the text colour. */
export function IiifBadge() {
  return (
    <svg viewBox="0 0 44 20" width="44" height="20" aria-hidden="true" focusable="false" style={{ display: 'block' }}>
      <rect x="1" y="1" width="42" height="18" rx="4" fill="none" stroke="currentColor" strokeWidth="2" />
      <text x="22" y="14.5" textAnchor="middle" fill="currentColor" fontFamily="system-ui, sans-serif" fontSize="12" fontWeight="700" letterSpacing="1">
        IIIF
      </text>
    </svg>
  );
}

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * "Open in another IIIF viewer": the work's manifest URL to copy, and the IIIF drag-and-drop link
 * (the badge) to drop onto Mirador or Universal Viewer. Nothing when the URL is not http(s).
 */
export function IiifManifestLink({ manifest }: { manifest: string }) {
  const { t } = useI18n();
  const id = useId();
  const [copy, setCopy] = useState<CopyState>('idle');
  const url = safeHttpUrl(manifest);
  if (!url) return null;

  const copyUrl = () => {
    // The Clipboard API exists only in secure contexts; elsewhere the reader copies from the field.
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (!clipboard) {
      setCopy('failed');
      return;
    }
    clipboard.writeText(url).then(
      () => setCopy('copied'),
      () => setCopy('failed'),
    );
  };

  return (
    <div className="iiif-open" style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'flex-start', gap: '0.5rem', marginTop: '0.75rem' }}>
      <a className="iiif-badge" href={dragAndDropHref(url)} title={t('iiif.dragHint')} aria-label={t('iiif.dragLabel')} aria-describedby={`${id}-hint`} style={{ color: 'var(--accent)', padding: '0.2rem' }}>
        <IiifBadge />
      </a>
      <details style={{ flex: '1 1 16rem' }}>
        <summary>{t('iiif.open')}</summary>
        <div className="field">
          <label htmlFor={`${id}-url`}>{t('iiif.manifest')}</label>
          <div style={{ display: 'flex', gap: '0.4rem' }}>
            <input id={`${id}-url`} type="url" readOnly value={url} dir="ltr" style={{ flex: '1 1 auto', minWidth: 0 }} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="button" onClick={copyUrl}>
              {t('iiif.copy')}
            </button>
          </div>
          <p role="status" className="hint">
            {copy === 'copied' ? t('iiif.copied') : copy === 'failed' ? t('iiif.copyFailed') : ''}
          </p>
        </div>
        <p className="hint" id={`${id}-hint`}>
          {t('iiif.dragHint')}
        </p>
      </details>
    </div>
  );
}
