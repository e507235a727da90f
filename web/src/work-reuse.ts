import type { LangMap, WorkMetadata } from './types';

/** What a rights statement lets a visitor do with the image, in the few cases worth saying in words. */
export type ReuseKind =
  | 'public-domain'
  | 'open'
  | 'share-alike'
  | 'no-derivatives'
  | 'non-commercial'
  | 'non-commercial-no-derivatives'
  | 'educational'
  | 'in-copyright'
  | 'restricted'
  | 'not-evaluated'
  | 'unknown';

/** Classifies a RightsStatements.org or Creative Commons URI (or none) into what a visitor may do. */
export function reuseKind(uri: string | null | undefined): ReuseKind {
  if (!uri) return 'unknown';
  if (/creativecommons\.org\/publicdomain\/(mark|zero)\//.test(uri)) return 'public-domain';
  const cc = /creativecommons\.org\/licenses\/([a-z-]+)\//.exec(uri);
  if (cc) {
    const parts = new Set(cc[1]!.split('-'));
    const nc = parts.has('nc');
    const nd = parts.has('nd');
    if (nc) return nd ? 'non-commercial-no-derivatives' : 'non-commercial';
    if (nd) return 'no-derivatives';
    return parts.has('sa') ? 'share-alike' : 'open';
  }
  const statement = /rightsstatements\.org\/vocab\/([A-Za-z-]+)\//.exec(uri)?.[1];
  switch (statement) {
    case 'NKC':
    case 'NoC-US':
      return 'public-domain';
    case 'NoC-NC':
      return 'non-commercial';
    case 'NoC-CR':
    case 'NoC-OKLR':
      return 'restricted';
    case 'InC-EDU':
      return 'educational';
    case 'InC-NC':
      return 'non-commercial';
    case 'InC':
    case 'InC-OW-EU':
    case 'InC-RUU':
      return 'in-copyright';
    case 'CNE':
    case 'UND':
      return 'not-evaluated';
    default:
      return 'unknown';
  }
}

/** True when the kind lets anyone reuse the image without asking (with credit where the licence says). */
export function freelyReusable(kind: ReuseKind): boolean {
  return kind === 'public-domain' || kind === 'open' || kind === 'share-alike' || kind === 'no-derivatives';
}

const CREDIT_LABEL = /^\s*(credit(\s*line)?|鸣谢|致谢|来源说明|圖片來源|图片来源)\s*$/i;

/** The record's own credit line (an imported "Credit line" note), or null when it has none. */
export function creditNote(metadata: Pick<WorkMetadata, 'notes'>): LangMap | null {
  return metadata.notes.find((n) => CREDIT_LABEL.test(n.label))?.text ?? null;
}
