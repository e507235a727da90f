import type { ComponentProps } from 'react';
import Markdown, { type Components } from 'react-markdown';
import { Link } from 'react-router';
import { safeLinkUrl } from '../../safe-url';

/**
 * Exhibition text as a curator wrote it in Markdown. Raw HTML is never rendered (react-markdown
 * turns it into text without rehype-raw, which is never added), so a stored `<script>` or
 * `<img onerror>` shows as the characters typed; links keep only http(s), mailto and relative
 * targets; pictures inside the text are shown by their description only, so a story never makes
 * the reader's browser fetch from another site (the section's own image is the picture).
 */

/** The link a Markdown URL becomes, or undefined (no link) when it could run script. */
export function markdownUrl(url: string): string | undefined {
  return safeLinkUrl(url) ?? undefined;
}

const isInternal = (href: string) => href.startsWith('/') && !href.startsWith('//');

/** `level` is the heading level of the section the text belongs to; the text's own headings go below it. */
function components(level: number): Components {
  const heading = (depth: number) => {
    const Tag = `h${Math.min(6, level + depth)}` as 'h3';
    return function Heading({ children }: ComponentProps<'h3'>) {
      return <Tag className="story-md-heading">{children}</Tag>;
    };
  };
  return {
    h1: heading(1),
    h2: heading(1),
    h3: heading(2),
    h4: heading(3),
    h5: heading(3),
    h6: heading(3),
    a({ href, children, title }) {
      if (!href) return <span>{children}</span>;
      if (isInternal(href)) {
        return (
          <Link to={href} title={title}>
            {children}
          </Link>
        );
      }
      const external = /^https?:/i.test(href);
      return (
        <a href={href} title={title} {...(external ? { rel: 'noopener noreferrer' } : {})}>
          {children}
        </a>
      );
    },
    img({ alt }) {
      return alt ? <span className="story-md-image-alt">{alt}</span> : null;
    },
  };
}

const BY_LEVEL = new Map<number, Components>();
function componentsFor(level: number): Components {
  let found = BY_LEVEL.get(level);
  if (!found) {
    found = components(level);
    BY_LEVEL.set(level, found);
  }
  return found;
}

interface Props {
  source: string;
  /** The language of the text, for fonts, hyphenation and screen readers. */
  lang?: string | undefined;
  /** The level of the heading the text sits under (its own `#` headings come one below). */
  headingLevel?: number;
}

/** Renders a section's Markdown safely (see above). */
export function StoryMarkdown({ source, lang, headingLevel = 2 }: Props) {
  return (
    <div className="story-md" lang={lang}>
      <Markdown skipHtml={false} urlTransform={markdownUrl} components={componentsFor(headingLevel)}>
        {source}
      </Markdown>
    </div>
  );
}
