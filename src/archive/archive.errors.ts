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
  'data_class.forbidden': [],
  'collection.nested_in_itself': [],
  'collection.too_deep': ['max'],
  /** A creator tried to file a work into a curated collection that is not theirs and not open to contributions. */
  'collection.filing_forbidden': ['id'],
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
  /** The file does not fit in the uploader's quota (`usedBytes` of `quotaBytes`, both byte counts). */
  'upload.quota_exceeded': ['usedBytes', 'quotaBytes'],
  /** A file past the most one request may carry (`max`); it was not read. */
  'upload.too_many_files': ['max'],
  /** The request held more files than the server reads (`read`: how many it read); the rest were not received. */
  'upload.files_not_read': ['read'],
  'job.already_requeued': ['id'],
  // Staff bulk operations (bulk-operation.service.ts); the item reasons are said per work.
  'not_found.bulk_operation': ['id'],
  'bulk.forbidden': [],
  'bulk.selection_required': [],
  'bulk.empty_selection': [],
  /** `max`: most works one operation changes; `count`: how many the selection holds. */
  'bulk.too_many': ['max', 'count'],
  'bulk.classification_empty': [],
  /** Item reason: `add` leaves a work filed in another collection (`collection`) alone. */
  'bulk.in_other_collection': ['id', 'collection'],
  /** Item reason of an undo: the work was edited after the operation (`version`: where it is now). */
  'bulk.changed_since': ['id', 'version'],
  /** Item reason: the account that started the operation was disabled or lost its role before the job ran. */
  'bulk.actor_not_allowed': [],
  /** `status`: queued, running or undone. */
  'bulk.not_undoable': ['id', 'status'],
  'bulk.nothing_to_undo': ['id'],
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
  // Why `wenyuan import` did not import something it found (`path`: relative to the import folder).
  'import.hidden': ['path'],
  /** `other`: the folder already read (`.` for the import folder itself). */
  'import.folder_repeat': ['path', 'other'],
  'import.link_outside': ['path', 'target'],
  'import.link_broken': ['path'],
  'import.link_loop': ['path'],
  'import.fifo': ['path'],
  'import.socket': ['path'],
  'import.device': ['path'],
  'import.special': ['path'],
  'import.folder_unreadable': ['path', 'error'],
  'import.vanished': ['path'],
  'import.not_regular': ['path'],
  'import.permission_denied': ['path'],
  /** `mediaType`: what the bytes are (application/octet-stream when unknown). */
  'import.not_media': ['path', 'mediaType'],
  // Records imports: a file of the folder that no record names or matches, or a mapping with no "files" rule.
  'import.no_record': ['path'],
  'import.no_file_rules': ['path'],
});

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof ARCHIVE_ERROR_KEYS> {}
}
