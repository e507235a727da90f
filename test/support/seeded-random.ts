// The project's seeded generator (mulberry32), for tests whose random data must reproduce on failure.
export { seededRandom } from '../../src/discover/recommend/holdout-split.js';
