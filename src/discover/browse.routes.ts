import type { Api } from '../platform/http/api.js';
import { placesSchema, timelineSchema } from './browse.contract.js';
import type { BrowseService } from './browse.service.js';

/** Browse by time and by place: counts for the timeline and the map (public; each reader's own counts). */
export function browseRoutes(api: Api, deps: { browse: BrowseService }): void {
  const { browse } = deps;
  api.get('/browse/timeline', { config: { heavyRead: true }, schema: { tags: ['catalogue'], description: 'Dynasties in order with the number of works the reader may see whose period is that dynasty, and for dynasties with reign periods the works overlapping each reign.', response: { 200: timelineSchema } } }, async (request) => browse.timeline(request.actor));
  api.get('/browse/places', { config: { heavyRead: true }, schema: { tags: ['catalogue'], description: 'Gazetteer places with the number of works the reader may see whose most specific place is each, and works with their own coordinates grouped on a 0.1° grid.', response: { 200: placesSchema } } }, async (request) => browse.places(request.actor));
}
