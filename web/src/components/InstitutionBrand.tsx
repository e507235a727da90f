import { htmlLang } from '../lang';
import { useInstance, useInstitutionName } from '../instance';

/**
 * The institution's logo and name (in the reader's language) where the site names itself: the
 * header and certificates. Before setup, the product's name in both languages.
 */
export function InstitutionBrand({ logoClassName = 'brand-logo' }: { logoClassName?: string }) {
  const { instance } = useInstance();
  const name = useInstitutionName();
  if (!name) {
    return (
      <>
        <span className="brand-zh" lang="zh-Hans">
          文渊
        </span>
        <span className="brand-en" lang="en">
          Wenyuan
        </span>
      </>
    );
  }
  return (
    <>
      {/* The name beside it says what the logo says, so the image itself is decorative. */}
      {instance?.logoUrl && <img className={logoClassName} src={instance.logoUrl} alt="" data-testid="institution-logo" />}
      <span className="brand-institution" lang={htmlLang(name.lang)} data-testid="institution-name">
        {name.text}
      </span>
    </>
  );
}
