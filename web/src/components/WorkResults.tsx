import { useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type RefObject } from 'react';
import type { CatalogueView } from '../catalogue-query';
import { justifiedRows, layoutAspect } from '../justified-rows';
import type { WorkSummary } from '../types';
import { WorkCard } from './WorkCard';

/** Bulk selection (components/bulk): which works are selected and how to change that; absent, cards have no checkbox. */
export interface CardSelection {
  isSelected(workId: string): boolean;
  onChange(workId: string, selected: boolean): void;
}

/** A record without an image is laid out as a portrait card: room for a title set large. */
const RECORD_ASPECT = 0.75;

/** Row height and gap for a container width: smaller on phones so two or three works share a row. */
function rowMetrics(width: number): { targetHeight: number; gap: number } {
  if (width < 600) return { targetHeight: 150, gap: 8 };
  if (width < 1000) return { targetHeight: 200, gap: 12 };
  return { targetHeight: 230, gap: 14 };
}

/** The width of an element's content box, following resizes; 0 until measured. `key` names the element (a new one is measured anew). */
function useContentWidth<T extends HTMLElement>(key: string): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const next = entries[0]?.contentRect.width;
      if (next !== undefined) setWidth(next);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [key]);
  return [ref, width];
}

interface Props {
  works: WorkSummary[];
  view: CatalogueView;
  query?: string | undefined;
  /** Dimmed while the next page or filter loads. */
  stale: boolean;
  selection?: CardSelection | undefined;
}

/**
 * The catalogue's results: a justified grid (rows of equal height, images at their own aspect
 * ratios, each box sized before its image arrives so nothing moves) or a list.
 */
export function WorkResults({ works, view, query, stale, selection }: Props) {
  const [ref, width] = useContentWidth<HTMLUListElement>(view);
  const aspects = useMemo(() => works.map((w) => (w.thumbnail ? layoutAspect(w.thumbnail.width, w.thumbnail.height) : RECORD_ASPECT)), [works]);
  const { targetHeight, gap } = rowMetrics(width);
  const boxes = useMemo(() => {
    const out = new Map<number, { width: number; height: number }>();
    for (const row of justifiedRows(aspects, { containerWidth: width, targetHeight, gap })) for (const box of row.boxes) out.set(box.index, box);
    return out;
  }, [aspects, width, targetHeight, gap]);

  const card = (work: WorkSummary, box?: { width: number; height: number }) => (
    <WorkCard
      work={work}
      query={query}
      layout={view}
      box={box}
      selectable={Boolean(selection)}
      selected={selection?.isSelected(work.id) ?? false}
      onSelectedChange={selection ? (v) => selection.onChange(work.id, v) : undefined}
    />
  );

  if (view === 'list') {
    return (
      <ul ref={ref} className={`work-list${stale ? ' is-stale' : ''}`} data-testid="work-list">
        {works.map((work) => (
          <li key={work.id}>{card(work)}</li>
        ))}
      </ul>
    );
  }
  // Until the container is measured, CSS lays the boxes out by the same ratios (flex-grow), close to the final rows.
  const gridStyle = { '--row-h': `${targetHeight}px`, '--grid-gap': `${gap}px` } as CSSProperties;
  return (
    <ul ref={ref} className={`work-grid${width > 0 ? ' is-measured' : ''}${stale ? ' is-stale' : ''}`} style={gridStyle} data-testid="work-grid">
      {works.map((work, i) => {
        const box = boxes.get(i);
        return (
          <li key={work.id} style={(box ? { width: box.width } : { '--aspect': aspects[i] }) as CSSProperties}>
            {card(work, box)}
          </li>
        );
      })}
    </ul>
  );
}
