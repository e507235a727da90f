import { afterEach, describe, expect, it, vi } from 'vitest';
import { COVER_IMAGE_SIZES } from './main-image';

/** A document with just what the module touches: links appended to <head>. */
function fakeDocument() {
  const links: { rel: string; as: string; href: string; attributes: Record<string, string> }[] = [];
  const document = {
    createElement: () => {
      const link = { rel: '', as: '', href: '', attributes: {} as Record<string, string>, setAttribute(name: string, value: string) { this.attributes[name] = value; } };
      return link;
    },
    head: { appendChild: (link: (typeof links)[number]) => links.push(link) },
  };
  return { document, links };
}

const exhibition = {
  slug: 'rivers',
  cover: {
    region: { x: 0, y: 0, width: 3000, height: 2000 },
    work: { image: { iiifService: 'https://museum.example/iiif/3/w1~ab', width: 6000, height: 4000, displayUrl: '/d.jpg', thumbnail: null, placeholder: null } },
  },
};

async function load(answer: { status: number; body: unknown }) {
  vi.resetModules();
  const fetches: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    fetches.push(url);
    return { status: answer.status, text: async () => JSON.stringify(answer.body) };
  });
  const fake = fakeDocument();
  vi.stubGlobal('document', fake.document);
  const early = await import('./early-main-image');
  return { early, fetches, links: fake.links };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('the main picture asked for before the first render', () => {
  it("asks for an exhibition's cover with the srcset and sizes of its <img>, and hands the answer to the page once", async () => {
    const { early, fetches, links } = await load({ status: 200, body: exhibition });
    early.startEarlyMainImage('/exhibitions/rivers');
    await settle();
    expect(fetches).toEqual(['/api/exhibitions/rivers']);
    expect(links).toHaveLength(1);
    const { coverImage } = await import('./main-image');
    const expected = coverImage(exhibition as never)!;
    expect(links[0]).toMatchObject({ rel: 'preload', as: 'image', href: expected.src });
    expect(links[0]!.attributes).toMatchObject({ imagesrcset: expected.srcSet, imagesizes: COVER_IMAGE_SIZES, fetchpriority: 'high' });
    expect(expected.srcSet).toContain('/pct:0,0,50,50/');

    const taken = early.takeEarlyAnswer('/api/exhibitions/rivers');
    expect(await taken).toEqual({ status: 200, text: JSON.stringify(exhibition) });
    // Once: a second request (a reload, another visit) goes to the server.
    expect(early.takeEarlyAnswer('/api/exhibitions/rivers')).toBeNull();
    expect(early.takeEarlyAnswer('/api/exhibitions/other')).toBeNull();
  });

  it('asks for the home page’s hero', async () => {
    const home = { featuredWorks: [{ id: 'a', image: null }, { id: 'b', image: exhibition.cover.work.image }] };
    const { early, fetches, links } = await load({ status: 200, body: home });
    early.startEarlyMainImage('/');
    await settle();
    expect(fetches).toEqual(['/api/showcase/home']);
    expect(links[0]!.href).toContain('/full/');
  });

  it('leaves other pages, the new-exhibition editor and malformed paths alone', async () => {
    const { early, fetches } = await load({ status: 200, body: exhibition });
    for (const path of ['/works', '/exhibitions/new', '/exhibitions/%E0%A4%A', '/exhibitions/a/edit']) early.startEarlyMainImage(path);
    await settle();
    expect(fetches).toEqual([]);
  });

  it('gives a refusal to the page as it came, and preloads nothing', async () => {
    const { early, links } = await load({ status: 404, body: { error: { code: 'not_found', message: 'no such exhibition' } } });
    early.startEarlyMainImage('/exhibitions/gone');
    await settle();
    expect(links).toHaveLength(0);
    expect((await early.takeEarlyAnswer('/api/exhibitions/gone'))!.status).toBe(404);
  });

  it('does not hand over an answer kept too long', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { early } = await load({ status: 200, body: exhibition });
    early.startEarlyMainImage('/exhibitions/rivers');
    vi.setSystemTime(Date.now() + 60_000);
    expect(early.takeEarlyAnswer('/api/exhibitions/rivers')).toBeNull();
  });
});
