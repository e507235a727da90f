import type { I18n } from '../../i18n';
import { rightsLabel } from '../../rights';
import { parseBulkNote, type BulkOperationDetail } from './bulk-api';

/** What an operation does, in the reader's language ("Publish", "Set rights: CC0 1.0"). */
export function bulkActionLabel(action: BulkOperationDetail['action'], i18n: Pick<I18n, 't' | 'lang'>): string {
  const { t } = i18n;
  switch (action.type) {
    case 'visibility':
      return t(action.visibility === 'public' ? 'bulk.action.publish' : 'bulk.action.unpublish');
    case 'collection':
      return t(`bulk.action.${action.mode}`);
    case 'rights':
      return `${t('bulk.action.rights')}: ${rightsLabel(action.uri, i18n.lang)}`;
    case 'classification':
      return t('bulk.action.classification');
    case 'undo':
      return t('bulk.action.undo');
  }
}

/**
 * A version note written by a bulk operation ("bulk operation <id>: publish"), said in the reader's
 * language ("Bulk operation: Publish"); null for any other note, which is shown as written.
 */
export function bulkNoteText(note: string | null, i18n: Pick<I18n, 't' | 'lang'>): string | null {
  const parsed = parseBulkNote(note);
  if (!parsed) return null;
  const { t } = i18n;
  const { label } = parsed;
  const rights = /^set rights (\S+)$/.exec(label);
  const action =
    label === 'publish' ? t('bulk.action.publish')
    : label === 'unpublish' ? t('bulk.action.unpublish')
    : label.startsWith('undo bulk operation ') ? t('bulk.action.undo')
    : label.startsWith('add to collection ') ? t('bulk.action.add')
    : label.startsWith('move to collection ') ? t('bulk.action.move')
    : label.startsWith('remove from collection ') ? t('bulk.action.remove')
    : rights ? `${t('bulk.action.rights')}: ${rightsLabel(rights[1]!, i18n.lang)}`
    : label.startsWith('set classification') ? t('bulk.action.classification')
    : label;
  return t('bulk.note', { action });
}
