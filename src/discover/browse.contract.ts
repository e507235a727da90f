import { z } from 'zod';

/** The shapes of the browse routes (GET /api/browse/timeline, GET /api/browse/places). */

const labelled = { zh: z.string().describe('Simplified Chinese name.'), en: z.string(), earliest: z.number().int(), latest: z.number().int() };

export const reignCountSchema = z
  .object({ ...labelled, count: z.number().int().describe('Readable works whose period is this dynasty and whose year range overlaps the reign: what /works?period=<dynasty>&yearFrom=<earliest>&yearTo=<latest> lists.') })
  .meta({ id: 'ReignCount' });

export const dynastyCountSchema = z
  .object({
    key: z.string().describe('The period facet value (/works?period=<key>).'),
    ...labelled,
    parent: z.string().nullable().describe('The dynasty this one is part of (northern-song → song), or null.'),
    count: z.number().int().describe('Readable works whose period is this dynasty (its parts are counted under their own keys).'),
    reigns: z.array(reignCountSchema),
  })
  .meta({ id: 'DynastyCount' });

export const timelineSchema = z
  .object({
    dynasties: z.array(dynastyCountSchema).describe('Chronological (by first year; an enclosing dynasty before its parts).'),
    undated: z.number().int().describe('Readable works without a year range.'),
    otherDated: z.number().int().describe('Readable works dated by years or centuries without a named dynasty.'),
  })
  .meta({ id: 'Timeline' });

export const placeLevelSchema = z.enum(['country', 'province', 'prefecture']).meta({ id: 'PlaceLevel' });

export const placeCountSchema = z
  .object({
    key: z.string().describe('Gazetteer key (/works?place=<key>; a province also finds its prefectures).'),
    level: placeLevelSchema,
    parent: z.string().nullable(),
    names: z.object({ 'zh-Hans': z.string(), 'zh-Hant': z.string(), en: z.string() }),
    lat: z.number(),
    lon: z.number(),
    count: z.number().int().describe('Readable works whose most specific place is this one.'),
  })
  .meta({ id: 'PlaceCount' });

export const geoPointSchema = z
  .object({ lat: z.number(), lon: z.number(), count: z.number().int() })
  .meta({ id: 'GeoPoint', description: 'Works with their own coordinates, grouped on a 0.1° grid.' });

export const placesSchema = z
  .object({
    places: z.array(placeCountSchema).describe('Most works first; every place above a listed one is listed too (count 0 when no work names it alone).'),
    points: z.array(geoPointSchema),
  })
  .meta({ id: 'BrowsePlaces' });

export type Timeline = z.infer<typeof timelineSchema>;
export type DynastyCount = z.infer<typeof dynastyCountSchema>;
export type BrowsePlaces = z.infer<typeof placesSchema>;
