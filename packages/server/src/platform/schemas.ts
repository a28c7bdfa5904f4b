/**
 * Zod building blocks for response schemas. A response schema documents what a handler returns
 * (OpenAPI → the console's generated types); tests parse every response with it (see route()).
 */
import { z } from 'zod';

/** An instant as ISO 8601 UTC, e.g. 2026-03-05T08:30:00.000Z. */
export const IsoTime = z.iso.datetime({ offset: true });
/** A calendar day, e.g. 2026-03-05. */
export const IsoDay = z.iso.date();

export const Ok = z.object({ ok: z.boolean() });

/** `{ items: [...] }`, the shape of every plain list. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** A unit as most views name it; code, name and kind are null when the unit is gone. */
export const UnitRef = z.object({ id: z.string(), code: z.string().nullable(), name: z.string().nullable(), kind: z.string().nullable() });
/** A user as views name them. */
export const UserRef = z.object({ id: z.string(), name: z.string().nullable() });
