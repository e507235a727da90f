import { useEffect, useState } from 'react';
import { api } from './api';
import type { Vocabulary } from './types';

let cached: Promise<Vocabulary> | null = null;

/** Labels of coded values, fetched once per page load; null until they arrive (or if they fail). */
export function useVocabulary(): Vocabulary | null {
  const [vocabulary, setVocabulary] = useState<Vocabulary | null>(null);
  useEffect(() => {
    let live = true;
    cached ??= api.vocabulary().catch((error: unknown) => {
      cached = null;
      throw error;
    });
    cached.then((v) => live && setVocabulary(v)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return vocabulary;
}
