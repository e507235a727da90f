import { useLayoutEffect } from 'react';
import type { ExhibitionSection } from '../../types';
import { StorySection } from './StorySection';

interface Props {
  sections: readonly ExhibitionSection[];
  /** Each section's name in the table of contents, in the same order. */
  labels: readonly string[];
  active: string | null;
  /** The page's absolute URL; a section's share link adds `#id`. */
  pageUrl: string;
  /** Pictures load at once (printing) rather than as they come near. */
  eager: boolean;
  /** Each section's element as it mounts (null as it goes), for the reading line and `#id` links. */
  register: (id: string, element: HTMLElement | null) => void;
  /** Called once the sections are in the document (their elements registered). */
  onShown: () => void;
}

/**
 * The story's sections, in a chunk of their own (ExhibitionPage loads it lazily): the Markdown
 * renderer they need is most of the story's script, and the cover above them — a phone's largest
 * paint — does not wait for it.
 */
export function StorySections({ sections, labels, active, pageUrl, eager, register, onShown }: Props) {
  // Layout effect: the page's observers start from the drawn sections before the browser paints them.
  useLayoutEffect(() => onShown(), [onShown]);
  return (
    <>
      {sections.map((section, i) => (
        <StorySection
          key={section.id}
          ref={(element) => register(section.id, element)}
          section={section}
          number={i + 1}
          label={labels[i]!}
          active={section.id === active}
          shareUrl={`${pageUrl}#${encodeURIComponent(section.id)}`}
          eager={eager}
        />
      ))}
    </>
  );
}
