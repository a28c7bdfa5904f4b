/** Response schemas of units, area maps and point location. */
import { z } from 'zod';
import { UNIT_KINDS } from './unit-kinds.ts';

export const UnitSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  kind: z.enum(UNIT_KINDS),
  parentId: z.string().nullable(),
  demoGeometry: z.boolean().describe('the geometry is a generated stand-in, not surveyed'),
});

/** A GeoJSON geometry (GCJ-02): Polygon or MultiPolygon for areas. */
export const GeometrySchema = z.looseObject({ type: z.string(), coordinates: z.array(z.unknown()) });

export const UnitWithGeometry = UnitSchema.extend({ geometry: GeometrySchema.nullable() });

export const AreaCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.string(),
      properties: z.object({ id: z.string(), code: z.string().nullable(), name: z.string().nullable(), kind: z.enum(UNIT_KINDS), parentId: z.string().nullable() }),
      geometry: GeometrySchema,
    }),
  ),
});

export const LocateResult = z.object({
  lng: z.number(),
  lat: z.number(),
  streetId: z.string().nullable(),
  communityId: z.string().nullable(),
  gridId: z.string().nullable(),
  socialGridId: z.string().nullable(),
  outsideJurisdiction: z.boolean(),
});
