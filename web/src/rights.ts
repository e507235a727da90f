/** Short names of RightsStatements.org statements, in both interface languages. */
const STATEMENTS: Record<string, [en: string, zh: string]> = {
  InC: ['In Copyright', '受版权保护'],
  'InC-OW-EU': ['In Copyright – EU Orphan Work', '受版权保护（欧盟孤儿作品）'],
  'InC-EDU': ['In Copyright – Educational Use Permitted', '受版权保护（允许教育使用）'],
  'InC-NC': ['In Copyright – Non-Commercial Use Permitted', '受版权保护（允许非商业使用）'],
  'InC-RUU': ['In Copyright – Rights-holder(s) Unlocatable', '受版权保护（权利人无法联系）'],
  'NoC-CR': ['No Copyright – Contractual Restrictions', '无版权（有合同限制）'],
  'NoC-NC': ['No Copyright – Non-Commercial Use Only', '无版权（仅限非商业使用）'],
  'NoC-OKLR': ['No Copyright – Other Known Legal Restrictions', '无版权（有其他法律限制）'],
  'NoC-US': ['No Copyright – United States', '无版权（美国）'],
  CNE: ['Copyright Not Evaluated', '版权未评估'],
  UND: ['Copyright Undetermined', '版权状态不明'],
  NKC: ['No Known Copyright', '无已知版权'],
};

/** A readable name for a rights URI: "CC BY-NC 4.0", "In Copyright", … or the URI itself. */
export function rightsLabel(uri: string, lang: string): string {
  const statement = /rightsstatements\.org\/vocab\/([A-Za-z-]+)\/1\.0/.exec(uri);
  if (statement) {
    const names = STATEMENTS[statement[1]!];
    return names ? names[lang === 'en' ? 0 : 1] : statement[1]!;
  }
  const cc = /creativecommons\.org\/licenses\/([a-z-]+)\/([0-9.]+)/.exec(uri);
  if (cc) return `CC ${cc[1]!.toUpperCase()} ${cc[2]!}`;
  if (/creativecommons\.org\/publicdomain\/zero\//.test(uri)) return lang === 'en' ? 'CC0 (public domain dedication)' : 'CC0（公共领域贡献）';
  if (/creativecommons\.org\/publicdomain\/mark\//.test(uri)) return lang === 'en' ? 'Public Domain Mark' : '公有领域标识';
  return uri;
}

/** Common choices for the edit form's rights field. */
export const COMMON_RIGHTS_URIS = [
  'http://rightsstatements.org/vocab/InC/1.0/',
  'http://rightsstatements.org/vocab/InC-EDU/1.0/',
  'http://rightsstatements.org/vocab/NoC-NC/1.0/',
  'http://rightsstatements.org/vocab/CNE/1.0/',
  'http://rightsstatements.org/vocab/UND/1.0/',
  'https://creativecommons.org/publicdomain/mark/1.0/',
  'https://creativecommons.org/publicdomain/zero/1.0/',
  'https://creativecommons.org/licenses/by/4.0/',
  'https://creativecommons.org/licenses/by-sa/4.0/',
  'https://creativecommons.org/licenses/by-nc/4.0/',
  'https://creativecommons.org/licenses/by-nc-nd/4.0/',
];
