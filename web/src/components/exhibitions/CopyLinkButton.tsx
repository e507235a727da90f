import { useEffect, useState, type ReactNode } from 'react';
import { useI18n } from '../../i18n';

type State = 'idle' | 'copied' | 'failed';

interface Props {
  url: string;
  label: string;
  icon?: ReactNode;
  className?: string;
  /** Only the icon shows; the label names the button for screen readers and as its tooltip. */
  iconOnly?: boolean;
}

/** Copies a link to the clipboard and says so; where the Clipboard API is missing, shows the link to copy by hand. */
export function CopyLinkButton({ url, label, icon, className = 'button', iconOnly = false }: Props) {
  const { t } = useI18n();
  const [state, setState] = useState<State>('idle');
  useEffect(() => {
    if (state !== 'copied') return;
    const timer = window.setTimeout(() => setState('idle'), 4000);
    return () => window.clearTimeout(timer);
  }, [state]);
  const copy = () => {
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (!clipboard) {
      setState('failed');
      return;
    }
    clipboard.writeText(url).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return (
    <span className="copy-link">
      <button type="button" className={className} onClick={copy} aria-label={iconOnly ? label : undefined} title={iconOnly ? label : undefined}>
        {icon}
        {!iconOnly && <span>{label}</span>}
      </button>
      <span role="status" className="copy-link-status">
        {state === 'copied' ? t('exhibitions.share.copied') : ''}
        {state === 'failed' && (
          <>
            {t('exhibitions.share.copyFailed')}{' '}
            <a href={url} dir="ltr">
              {url}
            </a>
          </>
        )}
      </span>
    </span>
  );
}
