import { errorKeys, type KeyParams } from '../platform/errors.js';

/** The message keys of works, files, collections, uploads and exports, with their parameters (see platform/errors.ts). */
export const ARCHIVE_ERROR_KEYS = errorKeys({
  'not_found.work': ['id'],
  'not_found.work_version': ['id', 'version'],
  'not_found.work_file': ['id', 'sha256'],
  /** `name`: thumbnail or display. */
  'not_found.derivative': ['name', 'sha256'],
  'not_found.collection': ['id'],
  'not_found.dead_job': ['id'],
  'not_found.fixity_run': ['id'],
  'work.create_forbidden': [],
  'work.edit_forbidden': ['id'],
  'work.history_forbidden': ['id'],
  'work.add_files_forbidden': ['id'],
  'work.visibility_invalid': [],
  'work.version_conflict': ['id', 'expected', 'current'],
  'work.changed_meanwhile': ['id', 'expected'],
  'collection.manage_forbidden': [],
  'collection.nested_in_itself': [],
  'collection.too_deep': ['max'],
  'file.add_forbidden': [],
  'file.empty': [],
  /** `limitBytes`: the upload limit (parameters named *Bytes are byte counts the client writes as sizes). */
  'file.too_large': ['limitBytes'],
  /** `policy`: the work's download policy in force (display or none). */
  'file.download_restricted': ['policy'],
  /** Notice: a file kept as it is, with no thumbnail or display copy (`mediaType`: its type). */
  'notice.not_rendered': ['mediaType'],
  'upload.not_multipart': [],
  'upload.no_file': [],
  'job.already_requeued': ['id'],
  'export.selection': [],
  'export.no_target': [],
  /** `ids`: the works, comma-separated. */
  'export.works_unreadable': ['ids', 'count'],
  'export.target_is_file': ['path'],
  'export.target_not_empty': ['path'],
  'export.partial_exists': ['path', 'partial'],
  /** `label`: the work and file being exported. */
  'export.blob_missing': ['label', 'sha256'],
  'export.blob_changed': ['label', 'sha256', 'actual'],
  'export.blob_size': ['label', 'sha256', 'size', 'expected'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof ARCHIVE_ERROR_KEYS> {}
}
