/**
 * What people who do not manage a work may download of it. The work's rights decide by default;
 * a curator may override that for a work or a collection (inherited by the collections and works
 * inside it). Those who manage the work always get the master.
 */
export const DOWNLOAD_POLICIES = ['master', 'display', 'none'] as const;
export type DownloadPolicy = (typeof DOWNLOAD_POLICIES)[number];
export type PolicySource = 'work' | 'collection' | 'rights';

// Public domain, CC0 and open licences allow copying the work itself, so the master is theirs to take.
const MASTER_PATTERNS = [
  /^https?:\/\/creativecommons\.org\/publicdomain\/(zero|mark)\//,
  /^https?:\/\/creativecommons\.org\/licenses\/[a-z-]+\//,
  /^https?:\/\/rightsstatements\.org\/vocab\/NoC-US\//,
  /^https?:\/\/rightsstatements\.org\/vocab\/NoC-OKLR\//,
];

/**
 * The default for a rights URI: the master for public-domain and openly licensed works, otherwise
 * (in copyright, restricted, unknown or not stated) the display copy, which carries the archive's
 * watermark when public copies are marked.
 */
export function policyForRights(rightsUri: string | null | undefined): DownloadPolicy {
  if (rightsUri && MASTER_PATTERNS.some((pattern) => pattern.test(rightsUri))) return 'master';
  return 'display';
}

/** The policy in force: the work's own, else the nearest collection's, else the rights' default. */
export function effectivePolicy(input: { work: DownloadPolicy | null; collection: DownloadPolicy | null; rightsUri: string | null | undefined }): { policy: DownloadPolicy; source: PolicySource } {
  if (input.work) return { policy: input.work, source: 'work' };
  if (input.collection) return { policy: input.collection, source: 'collection' };
  return { policy: policyForRights(input.rightsUri), source: 'rights' };
}

/**
 * What a reader gets of one file. `master`: may fetch the original (`inline` only: to view or play
 * it, for files that get no display copy — audio, video, PDF — when the policy is not `master`).
 * `download`: what a Download button fetches, or null. An image's original is denied whether or
 * not its display copy exists yet: until the display job has run, the reader sees the thumbnail.
 */
export function fileAccess(policy: DownloadPolicy, manages: boolean, file: { isImage: boolean; hasDisplayCopy: boolean }): { master: 'download' | 'inline' | 'denied'; download: 'master' | 'display' | null } {
  if (manages || policy === 'master') return { master: 'download', download: 'master' };
  if (!file.isImage && !file.hasDisplayCopy) return { master: 'inline', download: null };
  return { master: 'denied', download: policy === 'display' && file.hasDisplayCopy ? 'display' : null };
}

export function isDownloadPolicy(value: unknown): value is DownloadPolicy {
  return typeof value === 'string' && (DOWNLOAD_POLICIES as readonly string[]).includes(value);
}

/** The policy in force for a work, looked up through its collections (the entry point IIIF and exports use too). */
export class DownloadPolicyService {
  constructor(private readonly collectionPolicy: (collectionId: string | null) => Promise<DownloadPolicy | null>) {}

  async forWork(work: { downloadPolicy: DownloadPolicy | null; collectionId: string | null; metadata: { rights?: { uri: string } | undefined } }): Promise<{ policy: DownloadPolicy; source: PolicySource }> {
    const collection = work.downloadPolicy ? null : await this.collectionPolicy(work.collectionId);
    return effectivePolicy({ work: work.downloadPolicy, collection, rightsUri: work.metadata.rights?.uri });
  }
}
