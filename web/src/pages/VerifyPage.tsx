import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api';
import { errorText } from '../components/ErrorMessage';
import { FileDropZone } from '../components/FileDropZone';
import { formatBytes } from '../format';
import { useI18n, type MessageKey, type Vars } from '../i18n';
import { usePageTitle } from '../instance';
import { MAX_HASHED_FILE_BYTES, sha256OfFile, verifyReceiptInBrowser, webCryptoSupport, type ReceiptVerification } from '../registry';

/** A receipt is a few kilobytes; the verifier itself refuses more than this. */
const MAX_RECEIPT_BYTES = 1024 * 1024;

type ReceiptInput =
  | { state: 'none' }
  | { state: 'loading'; id: string }
  | { state: 'ready'; bytes: Uint8Array; from: { file: string; size: number } | { registration: string } }
  | { state: 'error'; message: Message };

/** A message to show, translated when shown so that it follows a change of language. */
type Message = { key: MessageKey; vars?: Vars };

type WorkFile =
  | { state: 'none' }
  | { state: 'hashing'; name: string; size: number }
  | { state: 'hashed'; name: string; size: number; sha256: string }
  | { state: 'error'; message: Message };

/** Labels of the verifier's checks (src/registry/verify-receipt.ts); an unknown name shows as is. */
const CHECK_LABELS: Record<string, MessageKey> = {
  'receipt size': 'verify.check.size',
  'receipt format': 'verify.check.format',
  entry: 'verify.check.entry',
  file: 'verify.check.file',
  'proof format': 'verify.check.proofFormat',
  'proof index': 'verify.check.proofIndex',
  'proof entry': 'verify.check.proofEntry',
  'checkpoint signature': 'verify.check.signature',
  inclusion: 'verify.check.inclusion',
  registration: 'verify.check.registration',
  work: 'verify.check.work',
  'tree size': 'verify.check.treeSize',
  opening: 'verify.check.opening',
};

/**
 * `/verify`: checks a registration receipt in the browser, with the log key the reader pins and,
 * optionally, the work's file — nothing is uploaded, and with a key obtained elsewhere nothing
 * depends on this server.
 */
export function VerifyPage() {
  const { t, lang, formatNumber } = useI18n();
  const [query] = useSearchParams();
  const registration = query.get('registration');
  const id = useId();
  const [receipt, setReceipt] = useState<ReceiptInput>({ state: 'none' });
  const [workFile, setWorkFile] = useState<WorkFile>({ state: 'none' });
  const [logKey, setLogKey] = useState('');
  const [keyError, setKeyError] = useState<string | null>(null);
  const [support, setSupport] = useState<'ok' | 'no-webcrypto' | 'no-ed25519' | null>(null);
  const [result, setResult] = useState<{ verification: ReceiptVerification; pinned: boolean; withFile: boolean } | null>(null);
  const [problem, setProblem] = useState<Message | null>(null);
  const [running, setRunning] = useState(false);
  const hashing = useRef<Promise<string | null> | null>(null);
  const hashToken = useRef(0);
  const keyEdited = useRef(false);
  const resultHeading = useRef<HTMLHeadingElement>(null);

  usePageTitle(t('verify.title'));
  useEffect(() => {
    webCryptoSupport().then(setSupport, () => setSupport('no-webcrypto'));
    api.registryKey().then(
      (key) => {
        if (!keyEdited.current) setLogKey(key);
      },
      (error: unknown) => setKeyError(errorText(error, t)),
    );
    // Once: the key does not change with the interface language.
  }, []);
  useEffect(() => {
    if (!registration) return;
    let live = true;
    setReceipt({ state: 'loading', id: registration });
    setResult(null);
    api.receiptBytes(registration).then(
      (bytes) => live && setReceipt({ state: 'ready', bytes, from: { registration } }),
      (error: unknown) => live && setReceipt({ state: 'error', message: { key: 'verify.receiptLoadFailed', vars: { id: registration, message: errorText(error, t) } } }),
    );
    return () => {
      live = false;
    };
    // Loaded again only for another registration, not when the language changes.
  }, [registration]);

  const pickReceipt = async (file: File) => {
    setResult(null);
    setProblem(null);
    if (file.size > MAX_RECEIPT_BYTES) {
      setReceipt({ state: 'error', message: { key: 'verify.receiptTooLarge', vars: { name: file.name, size: formatBytes(file.size, lang) } } });
      return;
    }
    try {
      setReceipt({ state: 'ready', bytes: new Uint8Array(await file.arrayBuffer()), from: { file: file.name, size: file.size } });
    } catch (error) {
      setReceipt({ state: 'error', message: { key: 'verify.receiptUnreadable', vars: { name: file.name, message: errorText(error, t) } } });
    }
  };

  const pickWorkFile = (file: File) => {
    setResult(null);
    setProblem(null);
    const token = ++hashToken.current;
    if (file.size > MAX_HASHED_FILE_BYTES) {
      hashing.current = null;
      setWorkFile({ state: 'error', message: { key: 'verify.fileTooLarge', vars: { name: file.name, size: formatBytes(file.size, lang) } } });
      return;
    }
    setWorkFile({ state: 'hashing', name: file.name, size: file.size });
    const promise = sha256OfFile(file).then(
      (sha256) => {
        if (token === hashToken.current) setWorkFile({ state: 'hashed', name: file.name, size: file.size, sha256 });
        return sha256;
      },
      (error: unknown) => {
        if (token === hashToken.current) setWorkFile({ state: 'error', message: { key: 'verify.hashFailed', vars: { name: file.name, message: errorText(error, t) } } });
        return null;
      },
    );
    hashing.current = promise;
  };

  const clearWorkFile = () => {
    hashToken.current++;
    hashing.current = null;
    setWorkFile({ state: 'none' });
    setResult(null);
  };

  const run = async (event: FormEvent) => {
    event.preventDefault();
    if (running) return;
    setProblem(null);
    if (receipt.state !== 'ready') {
      setProblem({ key: receipt.state === 'loading' ? 'verify.receiptLoading' : 'verify.needReceipt' });
      return;
    }
    if (workFile.state === 'error') {
      setProblem(workFile.message);
      return;
    }
    setRunning(true);
    try {
      // A file still being hashed is waited for, so the check always covers what was given.
      const fileSha256 = workFile.state === 'none' ? undefined : ((await hashing.current) ?? undefined);
      const pinnedLogKey = logKey.trim() || undefined;
      const verification = await verifyReceiptInBrowser(receipt.bytes, { ...(pinnedLogKey ? { pinnedLogKey } : {}), ...(fileSha256 ? { fileSha256 } : {}) });
      setResult({ verification, pinned: Boolean(pinnedLogKey), withFile: Boolean(fileSha256) });
      requestAnimationFrame(() => resultHeading.current?.focus());
    } finally {
      setRunning(false);
    }
  };

  const v = result?.verification;
  return (
    <div className="verify-page">
      <h1>{t('verify.title')}</h1>
      <p className="muted">{t('verify.intro')}</p>
      {support === 'no-webcrypto' && (
        <p className="notice notice-error" role="alert">
          {t('verify.noWebCrypto')}
        </p>
      )}
      {support === 'no-ed25519' && (
        <p className="notice notice-error" role="alert">
          {t('verify.noEd25519')}
        </p>
      )}

      <form onSubmit={run} className="verify-form" noValidate>
        <section className="verify-step" aria-labelledby={`${id}-receipt-h`}>
          <h2 id={`${id}-receipt-h`}>{t('verify.receipt')}</h2>
          <FileDropZone
            id={`${id}-receipt`}
            testId="verify-receipt-input"
            accept=".json,application/json"
            label={t('verify.chooseReceipt')}
            hint={t('verify.receiptDrop')}
            onFiles={([file]) => {
              if (file) void pickReceipt(file);
            }}
          />
          <div aria-live="polite">
            {receipt.state === 'loading' && <p className="muted">{t('verify.receiptLoading')}</p>}
            {receipt.state === 'ready' && (
              <p className="notice" data-testid="verify-receipt-status">
                {'file' in receipt.from ? t('verify.receiptFile', { name: receipt.from.file, size: formatBytes(receipt.from.size, lang) }) : t('verify.receiptFromServer', { id: receipt.from.registration })}
              </p>
            )}
            {receipt.state === 'error' && (
              <p className="notice notice-error" data-testid="verify-receipt-error">
                {t(receipt.message.key, receipt.message.vars)}
              </p>
            )}
          </div>
        </section>

        <section className="verify-step" aria-labelledby={`${id}-file-h`}>
          <h2 id={`${id}-file-h`}>{t('verify.file')}</h2>
          <p className="hint">{t('verify.fileHint')}</p>
          <FileDropZone
            id={`${id}-file`}
            testId="verify-file-input"
            label={t('verify.chooseFile')}
            hint={t('verify.fileDrop')}
            onFiles={([file]) => {
              if (file) pickWorkFile(file);
            }}
          />
          <div aria-live="polite">
            {workFile.state === 'hashing' && (
              <p className="loading">
                <span className="spinner" aria-hidden="true" />
                {t('verify.hashing', { name: workFile.name, size: formatBytes(workFile.size, lang) })}
              </p>
            )}
            {workFile.state === 'hashed' && (
              <p className="notice" data-testid="verify-file-status">
                {t('verify.fileHashed', { name: workFile.name })} <span className="mono break">{workFile.sha256}</span>
              </p>
            )}
            {workFile.state === 'error' && (
              <p className="notice notice-error" data-testid="verify-file-error">
                {t(workFile.message.key, workFile.message.vars)}
              </p>
            )}
          </div>
          {workFile.state !== 'none' && (
            <button type="button" className="button button-small button-quiet" onClick={clearWorkFile}>
              {t('verify.clearFile')}
            </button>
          )}
        </section>

        <section className="verify-step" aria-labelledby={`${id}-key-h`}>
          <h2 id={`${id}-key-h`}>{t('verify.logKey')}</h2>
          <div className="field">
            <label htmlFor={`${id}-key`}>{t('verify.logKeyLabel')}</label>
            <textarea
              id={`${id}-key`}
              className="mono verify-key"
              rows={3}
              spellCheck={false}
              autoCapitalize="off"
              autoCorrect="off"
              value={logKey}
              onChange={(e) => {
                keyEdited.current = true;
                setLogKey(e.target.value);
                setResult(null);
              }}
              aria-describedby={`${id}-key-hint`}
              data-testid="verify-log-key"
            />
            <p id={`${id}-key-hint`} className="hint">
              {t('verify.logKeyHint')}
            </p>
            {keyError && <p className="field-error">{t('verify.keyUnavailable', { message: keyError })}</p>}
          </div>
        </section>

        <div className="form-actions">
          <button type="submit" className="button button-primary" data-testid="verify-run" aria-disabled={running}>
            {running ? t('verify.running') : t('verify.run')}
          </button>
        </div>
        {problem && (
          <p className="notice notice-error" role="alert">
            {t(problem.key, problem.vars)}
          </p>
        )}
      </form>

      {v && result && (
        <section className={`panel verify-result ${v.ok ? 'is-ok' : 'is-failed'}`} data-testid="verify-result" data-ok={v.ok ? 'true' : 'false'} aria-labelledby={`${id}-result-h`}>
          <h2 id={`${id}-result-h`} ref={resultHeading} tabIndex={-1}>
            <span aria-hidden="true">{v.ok ? '✓ ' : '✗ '}</span>
            {v.ok ? t('verify.okTitle') : t('verify.failTitle')}
          </h2>
          <p>{v.ok ? t(result.withFile ? 'verify.okWithFile' : 'verify.okNoFile') : t('verify.failText')}</p>
          {v.entry && v.index !== null && (
            <p className="muted">
              {v.treeSize !== null
                ? t('verify.summary', { index: formatNumber(v.index), size: formatNumber(v.treeSize), origin: v.origin ?? '' })
                : t('verify.summaryUnsigned', { index: formatNumber(v.index), origin: v.origin ?? '' })}
            </p>
          )}
          {!result.pinned && <p className="notice notice-error">{t('verify.unpinned')}</p>}
          {v.entry?.sealed && <p className="notice">{t('verify.sealed')}</p>}
          {v.unsigned.length > 0 && (
            <div className="notice notice-error" data-testid="verify-unsigned">
              <h3>{t('verify.unsignedTitle')}</h3>
              <p>{t('verify.unsignedText')}</p>
              <ul>
                {v.unsigned.map((u, i) => (
                  <li key={i} data-testid="verify-unsigned-field" data-field={u.field}>
                    <strong className="mono">{u.field}</strong>: <span className="mono break">{u.value}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <h3>{t('verify.checks')}</h3>
          <ul className="check-list">
            {v.checks.map((c, i) => (
              <li key={i} className={c.ok ? 'check is-ok' : 'check is-failed'} data-testid="verify-check" data-name={c.name} data-ok={c.ok ? 'true' : 'false'}>
                <span className="check-status">
                  <span aria-hidden="true">{c.ok ? '✓' : '✗'}</span> {c.ok ? t('verify.checkOk') : t('verify.checkFailed')}
                </span>{' '}
                <strong>{CHECK_LABELS[c.name] ? t(CHECK_LABELS[c.name]!) : c.name}</strong>
                <span className="check-detail break" lang="en">
                  {c.detail}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
