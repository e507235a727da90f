/** The one table from error codes to HTTP statuses. Unknown codes are server errors. */
export const ERROR_STATUS: Record<string, number> = {
  invalid_input: 400,
  unsupported_media: 415,
  unauthenticated: 401,
  bad_credentials: 401,
  forbidden: 403,
  download_restricted: 403,
  not_found: 404,
  // A feature of a standard (IIIF) the server does not offer: the spec's own status.
  not_implemented: 501,
  conflict: 409,
  // The instance has no settled identity yet (registry origin, public URL): an admin must finish setup.
  setup_required: 409,
  version_conflict: 409,
  // Was there and is no more (a personal export downloaded once, or expired).
  gone: 410,
  payload_too_large: 413,
  quota_exceeded: 413,
  image_too_large: 422,
  corrupt_file: 422,
  image_too_small: 422,
  // The request names things that exist in the wrong state (a private work in a published exhibition).
  invalid_reference: 422,
  rate_limited: 429,
  // The server is at capacity for heavy reads; the answer carries Retry-After.
  busy: 503,
  // The S3 blob store is unreachable; jobs retry, requests may be tried again (Retry-After).
  blob_store_unavailable: 503,
  // The database is restarting or unreachable; requests may be tried again (Retry-After).
  database_unavailable: 503,
  // The local blob store's disk is full (WebDAV's Insufficient Storage, RFC 4918).
  storage_full: 507,
  note_malformed: 400,
  note_unverified: 403,
  key_malformed: 400,
  checkpoint_malformed: 400,
  cosignature_malformed: 400,
  tlog_proof_malformed: 400,
  tlog_proof_invalid: 403,
};

export function statusForCode(code: string): number {
  return ERROR_STATUS[code] ?? 500;
}
