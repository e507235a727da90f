import { Link } from 'react-router';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import { placeholderUrl } from '../../placeholder';
import { heroImage, heroWork } from '../../main-image';
import { imageAspectRatio } from '../../showcase-image';
import type { Home } from '../../types';

/**
 * The top of the home page: the first featured work, large, with the curator's headline (else the
 * institution's name) and the ways into the collection. The image is the page's largest paint, so
 * it is fetched at high priority and sized by srcset for the screen.
 */
export function HomeHero({ home, institution, onImageDone }: { home: Home; institution: { text: string; lang: string } | null; /** The hero image has loaded or failed (the page then lets the rest load). */ onImageDone: () => void }) {
  const i18n = useI18n();
  const { t, pickEntry } = i18n;
  const work = heroWork(home);
  const image = work?.image ?? null;
  const source = heroImage(home);
  const heading = pickEntry(home.heroTitle) ?? (institution ? ([institution.lang, institution.text] as [string, string]) : null);
  const text = pickEntry(home.heroText);
  const workTitle = work ? pickEntry(work.title) : null;
  const placeholder = placeholderUrl(image?.placeholder);
  const ratio = image ? imageAspectRatio(image) : null;

  return (
    <section className={source ? 'home-hero' : 'home-hero home-hero-plain'} aria-labelledby="home-hero-title">
      {source && work && (
        <figure className="home-hero-figure" style={placeholder ? { backgroundImage: `url("${placeholder}")` } : undefined}>
          <img
            className={ratio !== null && ratio < 1 ? 'home-hero-image home-hero-image-tall' : 'home-hero-image'}
            src={source.src}
            srcSet={source.srcSet}
            // Asked at about two device pixels per CSS pixel on phones: sharp enough for a picture that is
            // mostly cropped, and half the bytes of 3× on the connection where they matter most.
            sizes={source.sizes}
            alt=""
            fetchPriority="high"
            decoding="async"
            onLoad={onImageDone}
            onError={onImageDone}
          />
          <figcaption className="home-hero-credit">
            <Link to={`/works/${encodeURIComponent(work.id)}`} lang={workTitle ? htmlLang(workTitle[0]) : undefined}>
              {t('home.heroImageCredit', { title: workTitle?.[1] ?? work.id })}
            </Link>
          </figcaption>
        </figure>
      )}
      <div className="home-hero-text">
        <h1 id="home-hero-title" lang={heading ? htmlLang(heading[0]) : undefined}>
          {heading?.[1] ?? t('home.heroFallbackTitle')}
        </h1>
        {text && (
          <p className="home-hero-lede" lang={htmlLang(text[0])}>
            {text[1]}
          </p>
        )}
        <p className="home-hero-actions">
          <Link className="button button-primary button-large" to="/works" data-testid="home-explore">
            {home.publicWorks > 0 ? t('home.exploreCount', { count: home.publicWorks }) : t('home.explore')}
          </Link>
          {home.exhibitions.length > 0 && (
            <Link className="button button-large button-on-image" to="/exhibitions">
              {t('home.exhibitionsLink')}
            </Link>
          )}
        </p>
      </div>
    </section>
  );
}
