/** Schemas of the cockpit's figures, map points, heat layer and district boards. */
import { STATES } from '@onegrid/domain/case/lifecycle';
import { SOURCES, type SourceName } from '@onegrid/domain/cockpit/boards';
import { z } from 'zod';
import { IsoDay, IsoTime } from '../../platform/schemas.ts';

/** A case's light for counting: none = no clock running (not yet accepted, or suspended). */
const CountLight = z.enum(['green', 'yellow', 'red', 'none']);
const LightCounts = z.object({ green: z.number(), yellow: z.number(), red: z.number(), none: z.number() });
const Hotspot = z.object({ id: z.string(), name: z.string().nullable(), n: z.number() });

export const Overview = z.object({
  at: IsoTime,
  scope: z.union([z.object({ kind: z.literal('street'), id: z.string(), name: z.string() }), z.object({ kind: z.literal('district') })]),
  open: z.object({
    total: z.number(),
    byLight: LightCounts,
    byState: z.record(z.string(), LightCounts.extend({ total: z.number() })).describe('keyed by case state'),
  }),
  today: z.object({ day: IsoDay, byChannel: z.array(z.object({ channel: z.string(), n: z.number() })) }),
  trend: z.object({ days: z.array(IsoDay), reported: z.array(z.number()), closed: z.array(z.number()) }),
  topCategories: z.array(z.object({ kind: z.string(), code: z.string(), name: z.string().nullable(), n: z.number() })),
  hotspots: z.object({ communities30d: z.array(Hotspot), gridsToday: z.array(Hotspot) }),
});

export const Points = z.object({
  items: z.array(z.object({ id: z.string(), number: z.string(), lng: z.number(), lat: z.number(), state: z.enum(STATES), light: CountLight })),
  truncated: z.boolean().describe('more open cases than the limit'),
});

export const Rebuilt = z.object({ openCases: z.number().int(), dailyRows: z.number().int() });

export const HeatOut = z.object({
  resolution: z.number().int(),
  cells: z.array(z.object({ h3: z.string(), n: z.number().int(), red: z.number().int(), ring: z.array(z.tuple([z.number(), z.number()])).describe('closed ring of [lng, lat]') })),
  truncated: z.boolean().describe('more open cases than the map reads'),
});

const Label = z.object({ zh: z.string(), en: z.string() });
const Text = z.object({ zh: z.string().min(1).max(40), en: z.string().min(1).max(60) });
const Widget = z.object({
  source: z.enum(Object.keys(SOURCES) as [SourceName, ...SourceName[]]),
  type: z.enum(['line', 'bar', 'pie', 'table', 'stat']),
  title: Text.optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  span: z.number().int().min(4).max(24),
});
export const BoardIn = z.object({ code: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a short ASCII code, e.g. operations'), title: Text, widgets: z.array(Widget).min(1).max(24) });
export const BoardsOut = z.object({ custom: z.boolean(), boards: z.array(BoardIn) });
const Cell = z.union([z.string(), z.number(), z.null(), Label]);
const WidgetData = z.discriminatedUnion('shape', [
  z.object({ shape: z.literal('series'), categories: z.array(Label), series: z.array(z.object({ key: z.string(), name: Label, data: z.array(z.number().nullable()) })) }),
  z.object({ shape: z.literal('table'), columns: z.array(z.object({ key: z.string(), title: Label })), rows: z.array(z.record(z.string(), Cell)) }),
  z.object({ shape: z.literal('value'), value: z.number(), parts: z.array(z.object({ key: z.string(), name: Label, value: z.number() })) }),
]);
export const WidgetOut = Widget.extend({ data: WidgetData.nullable(), error: z.object({ code: z.string(), message: z.string() }).nullable() });

