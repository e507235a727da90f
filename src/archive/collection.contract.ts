import { z } from 'zod';
import { downloadPolicySchema, langMapView, visibilitySchema } from './work.contract.js';

/** A collection as the collection routes answer with it. */
export const collectionSchema = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    name: langMapView,
    description: langMapView.nullable(),
    visibility: visibilitySchema,
    ownerId: z.string().nullable(),
    createdAt: z.string(),
    downloadPolicy: downloadPolicySchema.nullable().describe('What visitors may download of the works inside (null: each work’s rights decide).'),
    openToContributions: z.boolean().describe('Creators may file their own works here (admins and curators always may, and a collection’s owner).'),
  })
  .meta({ id: 'Collection' });
export type Collection = z.infer<typeof collectionSchema>;
