import { errorKeys, type KeyParams } from '../platform/errors.js';

/**
 * The message keys of registrations and of the transparency-log formats (signed notes, checkpoints,
 * cosignatures, tlog proofs), with their parameters (see platform/errors.ts). The format checks run
 * in the browser too (the receipt verifier), so their messages are translated like the server's.
 *
 * Some parameters are tokens the messages choose words by:
 * - `what`: note, note_text, checkpoint or tlog_proof;
 * - `problem` (of a key name): empty, space, plus or control;
 * - `kind` (of a key): verifier, signer, witness or new;
 * - `expecting` (where a tlog proof ended): header, index or blank_line.
 */
export const REGISTRY_ERROR_KEYS = errorKeys({
  'not_found.registration': ['id'],
  'not_found.checkpoint': [],
  'not_found.tile': ['path'],
  'not_found.log_entry': ['leafHash'],
  'registry.register_forbidden': [],
  'registry.role_invalid': ['role'],
  'registry.institution_forbidden': [],
  'registry.owner_only': ['role'],
  'registry.no_file': ['id'],
  'registry.sha256_invalid': [],
  /** An "again" that names a generation other than the next one (or one made before). */
  'registry.generation_invalid': ['generation', 'next'],
  'registry.pending': ['id'],
  'registry.tree_size_unpublished': ['size', 'latest'],
  'registry.index_or_leaf_hash': [],
  'registry.index_beyond_tree': ['index', 'size'],
  'registry.from_beyond_latest': ['from', 'size'],
  'registry.from_after_to': ['from', 'to'],

  // Text of every format.
  'tlog.too_large': ['what', 'max'],
  'tlog.not_utf8': ['what'],
  'tlog.line_ends_in_cr': ['what', 'line'],
  'tlog.control_character': ['what', 'line', 'character'],
  'tlog.lone_surrogate': ['what', 'line'],
  'tlog.no_final_newline': ['what'],
  // Signed notes.
  'tlog.no_signature_lines': [],
  'tlog.too_many_signatures': ['max'],
  'tlog.signature_line_empty': ['line'],
  'tlog.signature_line_no_dash': ['line'],
  'tlog.signature_line_no_space': ['line'],
  'tlog.signature_line_key_name': ['line', 'problem'],
  'tlog.signature_empty': ['line'],
  'tlog.signature_not_base64': ['line'],
  'tlog.signature_too_short': ['line'],
  'tlog.note_no_blank_line': [],
  'tlog.format_key_name': ['name', 'problem'],
  'tlog.format_key_id': ['name'],
  'tlog.format_signature_empty': ['name'],
  'tlog.no_verifier_keys': [],
  'tlog.quorum_invalid': ['quorum', 'count'],
  'tlog.required_key_unknown': ['name'],
  'tlog.signature_invalid': ['name'],
  /** `role`: log, or any when the caller did not say whose key it wanted. */
  'tlog.no_signature_from': ['role', 'names'],
  'tlog.no_known_signature': ['known'],
  'tlog.quorum_not_met': ['verified', 'quorum', 'missing'],
  'tlog.duplicate_verifier': ['id'],
  // Keys.
  'tlog.key_name': ['kind', 'problem'],
  'tlog.key_name_too_long': ['kind', 'max'],
  'tlog.key_id_format': ['kind', 'name'],
  'tlog.key_base64': ['kind', 'name'],
  'tlog.verifier_key_format': [],
  'tlog.signer_key_prefix': [],
  'tlog.signer_key_format': [],
  /** `type`, `expected`: signature types as 0x01 (Ed25519 note key) or 0x04 (cosignature/v1 witness key). */
  'tlog.key_type': ['kind', 'name', 'type', 'expected'],
  'tlog.key_length': ['kind', 'name', 'length'],
  'tlog.key_id_mismatch': ['kind', 'name', 'keyId', 'expected'],
  'tlog.public_key_length': ['kind', 'name', 'length'],
  'tlog.generate_type': ['type'],
  'tlog.seed_length': [],
  // Checkpoints.
  'tlog.checkpoint_origin_empty': [],
  'tlog.checkpoint_origin_too_long': ['max'],
  'tlog.checkpoint_origin_multiline': [],
  'tlog.checkpoint_too_few_lines': [],
  'tlog.checkpoint_size_too_large': ['size'],
  'tlog.checkpoint_size_format': ['size'],
  'tlog.checkpoint_size_invalid': ['size'],
  'tlog.checkpoint_root_hash': [],
  'tlog.checkpoint_root_hash_length': ['length'],
  'tlog.checkpoint_extension_empty': ['line'],
  'tlog.checkpoint_extension_invalid': ['line'],
  'tlog.checkpoint_key_origin': ['name', 'origin'],
  'tlog.checkpoint_empty_root': [],
  'tlog.checkpoint_wrong_origin': ['origin', 'expected'],
  // Cosignatures and witnesses.
  'tlog.cosignature_time_invalid': ['time'],
  'tlog.cosignature_time_zero': [],
  'tlog.cosignature_length': ['name', 'length'],
  'tlog.cosignature_time_too_large': ['name'],
  'tlog.cosignature_line_count': ['count'],
  /** `by`, `expected`: keys as name+key ID. */
  'tlog.cosignature_wrong_key': ['by', 'expected'],
  'tlog.cosignature_invalid': ['name'],
  'tlog.witness_quorum_invalid': ['quorum', 'count'],
  'tlog.witness_key_type': ['name'],
  'tlog.witness_shared_key': ['first', 'second'],
  'tlog.log_key_is_witness': ['name'],
  'tlog.witness_quorum_not_met': ['have', 'quorum', 'missing'],
  // Tlog proofs.
  'tlog.proof_truncated': ['expecting'],
  'tlog.proof_header': ['header'],
  'tlog.proof_extra_base64': [],
  'tlog.proof_extra_too_large': ['max'],
  'tlog.proof_index_line': ['line'],
  'tlog.proof_index_format': ['index'],
  'tlog.proof_index_invalid': ['index'],
  'tlog.proof_too_many_hashes': ['max'],
  'tlog.proof_hash_base64': ['line'],
  'tlog.proof_hash_length': ['position', 'length'],
  'tlog.proof_no_checkpoint': [],
  'tlog.proof_index_outside': ['index', 'size'],
  'tlog.proof_leaf_hash_length': [],
  'tlog.proof_not_verified': [],
});

/** A message key of the registry. */
export type RegistryErrorKey = keyof typeof REGISTRY_ERROR_KEYS;

declare module '../platform/errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorKeys extends KeyParams<typeof REGISTRY_ERROR_KEYS> {}
}
