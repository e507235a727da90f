import { useI18n } from '../i18n';
import { heritageLabel, industryLabel } from '../labels';
import { HERITAGE_TYPES, INDUSTRY_CODES, type Vocabulary } from '../types';

/** The <option>s of the 2018 classification's nine major categories, code first, named in the reader's language. */
export function IndustryOptions({ vocabulary }: { vocabulary: Vocabulary | null }) {
  const { lang } = useI18n();
  return INDUSTRY_CODES.map((code) => (
    <option key={code} value={code}>
      {code} {industryLabel(code, vocabulary, lang)}
    </option>
  ));
}

/** The <option>s of the heritage types (tangible, intangible, creative), named in the reader's language. */
export function HeritageOptions({ vocabulary }: { vocabulary: Vocabulary | null }) {
  const { lang } = useI18n();
  return HERITAGE_TYPES.map((key) => (
    <option key={key} value={key}>
      {heritageLabel(key, vocabulary, lang)}
    </option>
  ));
}
