import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { absoluteUrl } from '../../src/platform/public-url';
import { api } from './api';
import { useI18n } from './i18n';
import type { InstanceIdentity } from './types';

/** The product's own name, shown where an instance has not named its institution yet. */
export const PRODUCT_NAME = '文渊 Wenyuan';

interface InstanceContextValue {
  /** GET /api/instance: undefined while it loads, null when it could not be loaded. */
  instance: InstanceIdentity | null | undefined;
  /** Replaces it after the setup page saved a change. */
  setInstance: (next: InstanceIdentity) => void;
}

const InstanceContext = createContext<InstanceContextValue | null>(null);

/** Who runs this archive (name, logo, public URL, whether setup is done), asked of the server once. */
export function InstanceProvider({ children }: { children: ReactNode }) {
  const [instance, setInstance] = useState<InstanceIdentity | null | undefined>(undefined);
  useEffect(() => {
    api.instance().then(setInstance, () => setInstance(null));
  }, []);
  const value = useMemo(() => ({ instance, setInstance }), [instance]);
  return <InstanceContext.Provider value={value}>{children}</InstanceContext.Provider>;
}

export function useInstance(): InstanceContextValue {
  const value = useContext(InstanceContext);
  if (!value) throw new Error('useInstance must be used inside <InstanceProvider>');
  return value;
}

/** The institution's name in the reader's language (another language when it lacks one), with that language's tag; null before setup. */
export function useInstitutionName(): { text: string; lang: string } | null {
  const { instance } = useInstance();
  const { pickEntry } = useI18n();
  const entry = pickEntry(instance?.name as Record<string, string> | undefined);
  return entry ? { lang: entry[0], text: entry[1] } : null;
}

/**
 * Builds absolute URLs (for QR codes, links people copy, anything read outside this page) from the
 * instance's public URL; before setup, from the address the page was opened at. The web client's
 * one way to make them, as `PublicLinks.absolute` is the server's.
 */
export function useAbsoluteUrl(): (path: string) => string {
  const { instance } = useInstance();
  const base = instance?.publicUrl ?? window.location.origin;
  return useCallback((path: string) => absoluteUrl(base, path), [base]);
}

/** Sets the window title to `title · <institution>` (the product's name before setup). */
export function usePageTitle(title: string | null | undefined): void {
  const name = useInstitutionName()?.text ?? PRODUCT_NAME;
  useEffect(() => {
    if (title) document.title = `${title} · ${name}`;
  }, [title, name]);
}
