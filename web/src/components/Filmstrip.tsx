import { useId, useRef, type CSSProperties, type KeyboardEvent } from 'react';
import { useI18n } from '../i18n';
import { stripLayout, stripStep, type ViewingDirection } from './IiifSources';

export interface FilmstripItem {
  /** Stable React key (the file's sha256). */
  key: string;
  /** The file's name, for the button's label. */
  name: string;
  thumbnail: { url: string; width: number; height: number } | null;
}

interface Props {
  items: readonly FilmstripItem[];
  current: number;
  direction?: ViewingDirection;
  onSelect: (index: number) => void;
}

/**
 * Thumbnails of a work's images in the order the work is read: a handscroll's first scan at the
 * right, an album leaf at the top. One tab stop; the arrow pointing the reading way goes to the next
 * image, Home and End to the ends. The DOM keeps reading order, so screen readers count 1, 2, 3.
 */
export function Filmstrip({ items, current, direction, onSelect }: Props) {
  const { t } = useI18n();
  const list = useRef<HTMLUListElement>(null);
  const helpId = useId();
  const layout = stripLayout(direction);
  // When the work shows a non-image file, the first thumbnail is the strip's tab stop.
  const tabStop = current >= 0 && current < items.length ? current : 0;

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const next = stripStep(event.key, current, items.length, direction);
    if (next === null) return;
    event.preventDefault();
    if (next !== current) onSelect(next);
    list.current?.querySelectorAll<HTMLButtonElement>('button')[next]?.focus();
  };

  // styles.css lays `.file-switcher` out as a wrapping row under the viewer; a vertical strip is a
  // scrolling column beside it, as tall as the canvas.
  const style: CSSProperties = {
    margin: 0,
    padding: '0.5rem',
    background: 'var(--surface-2)',
    ...(layout.vertical ? { flexDirection: layout.reversed ? 'column-reverse' : 'column', flexWrap: 'nowrap', maxHeight: 'min(72vh, 48rem)', overflowY: 'auto' } : {}),
  };

  return (
    <>
      <ul className="file-switcher filmstrip" ref={list} dir={layout.dir} style={style} aria-label={t('filmstrip.label')} aria-describedby={helpId} data-direction={direction ?? 'left-to-right'} onKeyDown={onKeyDown}>
        {items.map((item, i) => {
          const isCurrent = i === current;
          const label = t('filmstrip.item', { n: i + 1, count: items.length, name: item.name });
          return (
            <li key={item.key}>
              <button
                type="button"
                className="thumb-button"
                aria-current={isCurrent ? 'true' : undefined}
                aria-label={label}
                title={label}
                tabIndex={i === tabStop ? 0 : -1}
                // styles.css marks the chosen thumbnail by [aria-pressed]; this strip marks it by aria-current.
                style={isCurrent ? { borderColor: 'var(--accent)' } : undefined}
                onClick={() => onSelect(i)}
              >
                {item.thumbnail ? <img src={item.thumbnail.url} alt="" width={item.thumbnail.width} height={item.thumbnail.height} loading="lazy" /> : <span dir="auto">{item.name}</span>}
              </button>
            </li>
          );
        })}
      </ul>
      <p id={helpId} className="visually-hidden">
        {t('filmstrip.help')}
      </p>
    </>
  );
}
