import { useId, useState } from 'react';
import { useI18n } from '../../i18n';

/** A policy's JSON-LD, read-only, with a button that copies it exactly as shown. */
export function JsonLdView({ value, label, testId }: { value: unknown; label: string; testId?: string }) {
  const { t } = useI18n();
  const id = useId();
  const [copied, setCopied] = useState<string | null>(null);
  const text = JSON.stringify(value, null, 2);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(t('licenseAdmin.json.copied'));
    } catch {
      setCopied(t('licenseAdmin.json.copyFailed'));
    }
  };
  return (
    <div className="la-json">
      <div className="la-json-head">
        <h4 id={`${id}-label`}>{label}</h4>
        <button type="button" className="button button-small" onClick={() => void copy()}>
          {t('licenseAdmin.json.copy')}
        </button>
        <span role="status" className="hint">
          {copied}
        </span>
      </div>
      {/* Focusable so keyboard users can scroll it; labelled by its heading. */}
      <pre tabIndex={0} aria-labelledby={`${id}-label`} data-testid={testId} lang="en">
        {text}
      </pre>
    </div>
  );
}
