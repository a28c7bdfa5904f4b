/** Shapes of the perception API the sensor screens read. */
export type DeviceState = 'online' | 'offline' | 'alarm';

export interface Device {
  id: string;
  code: string;
  type: string;
  name: string;
  lng: number;
  lat: number;
  latest: Record<string, { value: number; at: string }>;
  lastSeenAt: string | null;
  state: DeviceState;
}

export interface Measurement {
  unit: string;
  labels?: string[];
  boolean?: boolean;
}

export interface DeviceType {
  code: string;
  name: string;
  measurements: Record<string, Measurement>;
}

export const STATE_COLOR: Record<DeviceState, string> = { online: '#2e9d4c', offline: '#8c8c8c', alarm: '#d4380d' };
export const STATE_TAG: Record<DeviceState, string> = { online: 'green', offline: 'default', alarm: 'red' };
export const STATE_KEY = { online: 'stateOnline', offline: 'stateOffline', alarm: 'stateAlarm' } as const;

/** A stored number as people read it: a label, yes/no, or the number with its unit. */
export function shown(value: number, m: Measurement | undefined): string {
  if (m?.labels) return m.labels[value] ?? String(value);
  if (m?.boolean) return value ? '1 ✓' : '0';
  return `${Number(value.toFixed(3))}${m?.unit && m.unit !== 'count' ? ` ${m.unit}` : ''}`;
}
