import { useState } from 'react';
import { placeholderUrl } from '../../placeholder';
import type { ImageRegion, ShowcaseWork } from '../../types';
import { iiifAspectRatio } from '../../iiif-image-url';
import { regionImage } from '../../main-image';
import { useImageGate } from '../../image-gate';

interface Props {
  image: NonNullable<ShowcaseWork['image']>;
  region: ImageRegion | null;
  alt: string;
  /** The `sizes` of the layout it sits in. */
  sizes: string;
  /** The cover is above the fold; sections further down load as they come near. */
  eager?: boolean;
  className?: string;
  /** Called once the picture has loaded or failed (the page's largest paint lets the rest load then). */
  onDone?: () => void;
}

/**
 * A still picture of a region of a work (or the whole of it) from the IIIF Image API, in a box whose
 * proportions are reserved before it loads so the text never jumps. Used on phones, in print and for
 * the cover. Without a IIIF service the display copy shows the whole image.
 */
export function RegionImage({ image, region, alt, sizes, eager = false, className, onDone }: Props) {
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  const open = useImageGate();
  const size = image.width && image.height ? { width: image.width, height: image.height } : null;
  const service = failed ? null : image.iiifService;
  const shown = service ? region : null;
  const source = regionImage(image, region, sizes, failed);
  const ratio = iiifAspectRatio(shown, size) ?? (image.thumbnail ? image.thumbnail.width / image.thumbnail.height : null);
  const placeholder = !shown ? placeholderUrl(image.placeholder) : null;
  if (!source) return null;
  return (
    <div
      className={['region-image', className].filter(Boolean).join(' ')}
      style={{ ...(ratio ? { aspectRatio: String(ratio) } : {}), ...(placeholder && !loaded ? { backgroundImage: `url("${placeholder}")` } : {}) }}
    >
      {open && (
        <img
          src={source.src}
          srcSet={source.srcSet}
          sizes={source.sizes}
          alt={alt}
          loading={eager ? 'eager' : 'lazy'}
          fetchPriority={eager ? 'high' : undefined}
          decoding="async"
          onLoad={() => {
            setLoaded(true);
            onDone?.();
          }}
          // A service that cannot render the region (still tiling, refused): the display copy instead.
          onError={() => {
            if (!failed && image.displayUrl) setFailed(true);
            else onDone?.();
          }}
        />
      )}
    </div>
  );
}
