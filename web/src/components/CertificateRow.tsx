import type { ReactNode } from 'react';

/** One labelled line of a printable certificate (a registration's, a licence grant's). */
export function CertificateRow({ label, children, mono = false, testId }: { label: string; children: ReactNode; mono?: boolean; testId?: string }) {
  return (
    <div className="certificate-row">
      <dt>{label}</dt>
      <dd className={mono ? 'mono break' : undefined} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
