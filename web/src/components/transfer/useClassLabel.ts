import { useCallback } from 'react';
import { useI18n } from '../../i18n';
import { transferApi, type DataClass } from '../../transfer-api';
import { useApi } from '../../use-api';
import { CLASS_KEYS } from './class-labels';

/** The label of a data class in the reader's language: the admin's label when set, the built-in name otherwise. */
export function useClassLabel(): (dataClass: DataClass | '*') => string {
  const { t, pick } = useI18n();
  const labels = useApi(() => transferApi.classes(), 'transfer-classes');
  return useCallback(
    (dataClass: DataClass | '*') => {
      if (dataClass === '*') return t('transfer.rules.anyClass');
      const own = labels.data?.items.find((l) => l.dataClass === dataClass);
      return (own && pick(own.label)) || t(CLASS_KEYS[dataClass]);
    },
    [labels.data, t, pick],
  );
}
