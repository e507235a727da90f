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
} as const;
export type FacetName = keyof typeof FACETS;
