// The public licences a right holder picks from: Creative Commons licences and the RightsStatements.org
// statements that grant some public use (the others grant nothing, so "none" stands for them).

export type LicenceCode = 'cc0' | 'pdm' | 'cc-by' | 'cc-by-sa' | 'cc-by-nd' | 'cc-by-nc' | 'cc-by-nc-sa' | 'cc-by-nc-nd' | 'InC-EDU' | 'InC-NC' | 'NoC-NC' | 'NoC-US' | 'NKC';

export interface PublicLicenceOption {
  /** Short name, also the message key suffix of its name and explanation. */
  code: LicenceCode;
  uri: string;
  family: 'cc' | 'rs';
}

const cc = (code: LicenceCode): PublicLicenceOption => ({ code, uri: `https://creativecommons.org/licenses/${code.slice(3)}/4.0/`, family: 'cc' });
const rs = (code: LicenceCode): PublicLicenceOption => ({ code, uri: `http://rightsstatements.org/vocab/${code}/1.0/`, family: 'rs' });

export const PUBLIC_LICENCES: readonly PublicLicenceOption[] = [
  { code: 'cc0', uri: 'https://creativecommons.org/publicdomain/zero/1.0/', family: 'cc' },
  { code: 'pdm', uri: 'https://creativecommons.org/publicdomain/mark/1.0/', family: 'cc' },
  cc('cc-by'),
  cc('cc-by-sa'),
  cc('cc-by-nd'),
  cc('cc-by-nc'),
  cc('cc-by-nc-sa'),
  cc('cc-by-nc-nd'),
  rs('InC-EDU'),
  rs('InC-NC'),
  rs('NoC-NC'),
  rs('NoC-US'),
  rs('NKC'),
];

/** The option a stored public licence was made from (its title records the URI), else null. */
export function licenceOptionOf(licence: { title: Record<string, string> } | null): PublicLicenceOption | null {
  const uri = licence?.title.en;
  if (!uri) return null;
  const bare = (u: string) => u.replace(/^https?:\/\//, '').replace(/\/$/, '');
  return PUBLIC_LICENCES.find((o) => bare(o.uri) === bare(uri)) ?? null;
}
