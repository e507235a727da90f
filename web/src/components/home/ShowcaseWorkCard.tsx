import { useState } from 'react';
import { Link } from 'react-router';
import { workDateText } from '../../format';
import { useI18n } from '../../i18n';
import { htmlLang } from '../../lang';
import { placeholderUrl } from '../../placeholder';
import { useImageGate } from '../../image-gate';
import { imageAspectRatio, responsiveImage } from '../../showcase-image';
import type { ShowcaseWork } from '../../types';

interface Props {
  work: ShowcaseWork;
  /** The CSS width the image is laid out at (the srcset's `sizes`). */
  sizes?: string;
  headingLevel?: 'h2' | 'h3';
}

/**
 * A work on the public face (home page, exhibitions): the image at its own proportions (the box is
 * reserved from its size, so nothing moves while it loads), title, creators and date; a record
 * without an image is set as type.
 */
export function ShowcaseWorkCard({ work, sizes = '(max-width: 640px) 50vw, 25vw', headingLevel: Heading = 'h3' }: Props) {
  const i18n = useI18n();
  const { pick, pickEntry, formatList } = i18n;
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  const open = useImageGate();
  const title = pickEntry(work.title);
  const titleText = title?.[1] ?? work.id;
  const creators = formatList(work.creators.map((c) => pick(c.name)).filter((n): n is string => Boolean(n)));
  const date = workDateText(work.date, i18n);
  const image = work.image;
  const source = image ? responsiveImage(image, 800) : null;
  const ratio = image ? imageAspectRatio(image) : null;
  const placeholder = placeholderUrl(image?.placeholder);

  return (
    <article className={source && !failed ? 'showcase-card' : 'showcase-card showcase-card-text'}>
      {source && !failed && (
        <div
          className="showcase-card-media"
          style={{ aspectRatio: ratio ? String(ratio) : '4 / 3', ...(placeholder && !loaded ? { backgroundImage: `url("${placeholder}")` } : {}) }}
        >
          {open && (
            <img
              src={source.src}
              srcSet={source.srcSet}
              sizes={source.srcSet ? sizes : undefined}
              alt=""
              loading="lazy"
              decoding="async"
              onLoad={() => setLoaded(true)}
              onError={() => setFailed(true)}
            />
          )}
        </div>
      )}
      <div className="showcase-card-body">
        <Heading className="showcase-card-title">
          <Link to={`/works/${encodeURIComponent(work.id)}`} className="stretched-link" lang={title ? htmlLang(title[0]) : undefined}>
            {titleText}
          </Link>
        </Heading>
        {creators && <p className="showcase-card-meta">{creators}</p>}
        {date && <p className="showcase-card-meta">{date}</p>}
      </div>
    </article>
  );
}
