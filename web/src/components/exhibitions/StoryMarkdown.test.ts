import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { safeLinkUrl } from '../../safe-url';
import { markdownUrl, StoryMarkdown } from './StoryMarkdown';

const render = (source: string, headingLevel?: number) => renderToStaticMarkup(createElement(MemoryRouter, null, createElement(StoryMarkdown, { source, lang: 'en', headingLevel })));

describe('exhibition Markdown', () => {
  it('renders ordinary Markdown', () => {
    const html = render('Some *emphasis* and **strong** text.\n\n- one\n- two');
    expect(html).toContain('<em>emphasis</em>');
    expect(html).toContain('<strong>strong</strong>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('lang="en"');
  });

  it('shows raw HTML as text, never as elements', () => {
    const html = render('Before <script>alert(1)</script> after\n\n<img src=x onerror="alert(2)">\n\n<iframe src="https://evil.example"></iframe>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<iframe/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
  });

  it('drops javascript:, data: and vbscript: links but keeps the words', () => {
    for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', 'vbscript:msgbox(1)']) {
      const html = render(`[click me](<${href}>)`);
      expect(html, href).not.toMatch(/href=/);
      expect(html, href).not.toMatch(/javascript|vbscript|data:/i);
      expect(html, href).toContain('click me');
    }
  });

  it('keeps http(s), mailto and relative links; external ones do not pass the opener', () => {
    expect(render('[a](https://example.org/x)')).toContain('<a href="https://example.org/x" rel="noopener noreferrer">a</a>');
    expect(render('[a](mailto:curator@museum.example)')).toContain('href="mailto:curator@museum.example"');
    expect(render('[a](/works/w1)')).toContain('href="/works/w1"');
    expect(render('[a](#cave)')).toContain('href="#cave"');
  });

  it('never loads pictures from the text, showing their description instead', () => {
    const html = render('![A tracking pixel](https://tracker.example/p.gif)');
    expect(html).not.toMatch(/<img/);
    expect(html).toContain('A tracking pixel');
  });

  it('puts the text\'s own headings below the section heading', () => {
    expect(render('# Big\n\n## Smaller', 2)).toMatch(/<h3[^>]*>Big<\/h3>.*<h3[^>]*>Smaller<\/h3>/s);
    expect(render('### Third', 2)).toMatch(/<h4[^>]*>Third<\/h4>/);
    expect(render('# Deep', 6)).toMatch(/<h6[^>]*>Deep<\/h6>/);
  });
});

describe('safeLinkUrl', () => {
  it('passes http(s), mailto and relative URLs and refuses every other scheme', () => {
    expect(safeLinkUrl('https://a.example/b?c#d')).toBe('https://a.example/b?c#d');
    expect(safeLinkUrl('HTTP://a.example')).toBe('HTTP://a.example');
    expect(safeLinkUrl('mailto:a@b.example')).toBe('mailto:a@b.example');
    expect(safeLinkUrl('/exhibitions/x#s1')).toBe('/exhibitions/x#s1');
    expect(safeLinkUrl('../x')).toBe('../x');
    for (const bad of ['javascript:alert(1)', '\u0001javascript:alert(1)', 'jav\nascript:alert(1)', 'data:image/png;base64,AA', 'file:///etc/passwd', 'blob:https://a/b', 'java\u0001script:x', '', null]) {
      expect(safeLinkUrl(bad), String(bad)).toBeNull();
    }
    expect(markdownUrl('javascript:alert(1)')).toBeUndefined();
  });
});
