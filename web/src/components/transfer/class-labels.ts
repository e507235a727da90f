import type { MessageKey } from '../../locales';
import type { DataClass, TransferOutcome } from '../../transfer-api';

/** The built-in names of the classes (an admin's labels from the server take precedence). */
export const CLASS_KEYS = {
  public: 'transfer.class.public',
  internal: 'transfer.class.internal',
  important: 'transfer.class.important',
  core: 'transfer.class.core',
} as const satisfies Record<DataClass, MessageKey>;

export const OUTCOME_KEYS = {
  allow: 'transfer.outcome.allow',
  assess: 'transfer.outcome.assess',
  refuse: 'transfer.outcome.refuse',
} as const satisfies Record<TransferOutcome, MessageKey>;

export const PATH_KEYS = {
  bag_export: 'transfer.path.bag_export',
  api_export: 'transfer.path.api_export',
  licensed_copy: 'transfer.path.licensed_copy',
  harvest: 'transfer.path.harvest',
} as const satisfies Record<string, MessageKey>;

export const STATUS_KEYS = {
  pending: 'transfer.status.pending',
  approved: 'transfer.status.approved',
  rejected: 'transfer.status.rejected',
} as const satisfies Record<string, MessageKey>;
