import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import { useI18n } from '../../i18n';

/** File names the server gives the report's downloads (src/protect/protect.routes.ts). */
export const bundleFileName = (id: string) => `wenyuan-evidence-${id}.json`;
export const receiptFileName = (id: string) => `wenyuan-evidence-receipt-${id}.json`;

/** Single-quotes a shell word unless it is plainly safe. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The exact command that checks a report offline, with this log's key filled in. */
export function HowToVerify({ id, bundleSha256 }: { id: string; bundleSha256: string }) {
  const { t } = useI18n();
  const [logKey, setLogKey] = useState<string | null>(null);
  useEffect(() => {
    api.registryKey().then(setLogKey, () => setLogKey(null));
  }, []);
  const command = `wenyuan verify ${receiptFileName(id)} --file ${bundleFileName(id)} --log-key ${logKey ? shellWord(logKey) : '<log-key>'}`;
  return (
    <section className="evidence-section how-to-verify" aria-labelledby="evidence-verify-heading">
      <h2 id="evidence-verify-heading">{t('evidence.verify.heading')}</h2>
      <p>{t('evidence.verify.text')}</p>
      <p className="mono break" data-testid="evidence-bundle-sha256">
        SHA-256 {bundleSha256}
      </p>
      <pre className="command" data-testid="evidence-verify-command">
        <code>{command}</code>
      </pre>
      <p className="hint">
        {t('evidence.verify.key')} <Link to="/verify">{t('evidence.verify.web')}</Link>
      </p>
    </section>
  );
}
