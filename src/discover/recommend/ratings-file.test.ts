import { describe, expect, it } from 'vitest';
import { detectRatingsFormat, parseItems, parseRatings } from './ratings-file.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** The layouts public interaction logs come in, as their releases ship them. */
describe('ratings and items files', () => {
  it('reads MovieLens 100K (tab-separated, no header) and 1M (`::`, no header) as MovieLens', () => {
    const ml100k = '196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t377\t1\t878887116\n';
    const ml1m = '1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n';
    for (const text of [ml100k, ml1m]) {
      expect(detectRatingsFormat(bytes(text))).toBe('movielens');
      const data = parseRatings(bytes(text), 'movielens');
      expect(data.badRowCount).toBe(0);
      expect(data.pairs).toHaveLength(3);
    }
    expect(parseRatings(bytes(ml100k), 'movielens').pairs[0]).toEqual({ user: '196', item: '242', weight: 3 });
    expect(parseRatings(bytes(ml1m), 'movielens').pairs[2]).toEqual({ user: '2', item: '1193', weight: 4 });
    // The newer release, with its header, as before.
    expect(parseRatings(bytes('userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n'), 'movielens').pairs).toEqual([{ user: '1', item: '31', weight: 2.5 }]);
  });

  it("reads ML-100K's u.item genre flags and ML-1M's movies.dat genres, in Latin-1 too", () => {
    const flags = (...genres: number[]) => Array.from({ length: 19 }, (_, k) => (genres.includes(k) ? '1' : '0')).join('|');
    const uItem = `1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|${flags(3, 4, 5)}\n267|unknown||||${flags(0)}\n`;
    const items = parseItems(bytes(uItem), 'movielens');
    expect(items.get('1')).toEqual({ title: 'Toy Story (1995)', categories: ['Animation', "Children's", 'Comedy'] });
    expect(items.get('267')).toEqual({ title: 'unknown', categories: [] });
    // "Ã©" in Latin-1 is one byte, 0xE9: the genres still come through.
    const latin1 = Uint8Array.from([...bytes('73::Mis'), 0xe9, ...bytes('rables, Les (1995)::Drama|War\n1::Toy Story (1995)::Animation|Children\'s|Comedy\n')]);
    const dat = parseItems(latin1, 'movielens');
    expect(dat.get('73')!.categories).toEqual(['Drama', 'War']);
    expect(dat.get('1')!.categories).toEqual(['Animation', "Children's", 'Comedy']);
    expect(parseItems(bytes('movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n'), 'movielens').get('1')!.categories).toEqual(['Adventure', 'Animation']);
  });

  it('reads `csv` logs with commas, tabs or semicolons, with or without a header', () => {
    for (const text of ['u1,i1,2\nu2,i1,1\n', 'u1\ti1\t2\nu2\ti1\t1\n', 'user;item;weight\nu1;i1;2\nu2;i1;1\n', 'user\titem\nu1\ti1\nu2\ti1\n']) {
      expect(detectRatingsFormat(bytes(text)), text).toBe('csv');
      const data = parseRatings(bytes(text), 'csv');
      expect(data.badRowCount, text).toBe(0);
      expect(data.pairs.map((p) => `${p.user}>${p.item}`), text).toEqual(['u1>i1', 'u2>i1']);
    }
  });
});
