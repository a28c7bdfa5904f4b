/** Shapes of the perception API the sensor screens read. */
import type { ItemOf } from '../../api/types.ts';

export type Device = ItemOf<'/api/v1/perception/devices', 'get'>;
export type DeviceState = Device['state'];
export type DeviceType = ItemOf<'/api/v1/perception/device-types', 'get'>;
export type Measurement = DeviceType['measurements'][string];

export const STATE_COLOR: Record<DeviceState, string> = { online: '#2e9d4c', offline: '#8c8c8c', alarm: '#d4380d' };
export const STATE_TAG: Record<DeviceState, string> = { online: 'green', offline: 'default', alarm: 'red' };

/** A stored number as people read it: a label, yes/no, or the number with its unit. */
export function shown(value: number, m: Measurement | undefined): string {
  if (m?.labels) return m.labels[value] ?? String(value);
  if (m?.boolean) return value ? '1 ✓' : '0';
  return `${Number(value.toFixed(3))}${m?.unit && m.unit !== 'count' ? ` ${m.unit}` : ''}`;
}
