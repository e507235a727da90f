/** The catalogue's facets and the works column each one counts. */
export const FACETS = {
  industry: 'industry',
  heritage: 'heritage',
  period: 'period',
  medium: 'medium_facet',
  institution: 'institution_facet',
  rights: 'rights_uri',
  type: 'work_type',
  visibility: 'visibility',
  /** The most specific gazetteer key (src/archive/gazetteer.ts); a filter by a province also takes its prefectures. */
  place: 'place_key',
} as const;
export type FacetName = keyof typeof FACETS;
