import { useMemo } from 'react';
import { useI18n } from '../../i18n';
import { speakerFor, type Speaker } from '../../license-words';

/** The wording helpers of license-words.ts in the reader's language. */
export function useLicenseSpeaker(): Speaker {
  const { t, lang } = useI18n();
  return useMemo(() => speakerFor(t, lang), [t, lang]);
}
