/**
 * The kinds of sensor a district connects (感知设备) and what each one measures. Measurement names
 * follow FIWARE Smart Data Models where one fits (AirQualityObserved pm25/pm10, NoiseLevelObserved
 * LAeq, CrowdFlowObserved peopleCount, WasteContainer fillingLevel, Streetlight powerState/status,
 * WeatherObserved precipitation); the rest are named in the same camelCase style. Every value is
 * stored as a number: booleans as 0/1 and enumerations as the index of their label.
 */

export interface Measurement {
  unit: string;
  /** Other spellings of the unit a device may send. */
  aliases?: readonly string[];
  min: number;
  max: number;
  /** Labels of an enumeration, stored by index; absent for numbers and booleans. */
  labels?: readonly string[];
  boolean?: true;
}

export interface DeviceType {
  name: string;
  /** The FIWARE data model borrowed from, if any. */
  fiware: string | null;
  /** The GB/T 47678.5 component a device of this type usually watches (e.g. 01003 雨水井盖). */
  defaultComponent: string | null;
  measurements: Readonly<Record<string, Measurement>>;
}

const DEG = { unit: 'deg', aliases: ['°', 'degree', 'degrees'] } as const;
const UGM3 = { unit: 'ug/m3', aliases: ['µg/m³', 'μg/m³', 'µg/m3', 'ug/m³'] } as const;

export const DEVICE_TYPES = {
  manhole_cover: {
    name: '井盖监测',
    fiware: null,
    defaultComponent: '01003',
    measurements: { tiltAngle: { ...DEG, min: 0, max: 90 }, open: { unit: 'bool', min: 0, max: 1, boolean: true } },
  },
  water_level: {
    name: '积水点水位',
    fiware: 'FloodMonitoring',
    defaultComponent: null,
    measurements: {
      currentLevel: { unit: 'm', aliases: ['metre', 'meter'], min: -1, max: 20 },
      precipitation: { unit: 'mm/h', min: 0, max: 500 },
    },
  },
  structure: {
    name: '桥梁/边坡结构监测',
    fiware: null,
    defaultComponent: '02006',
    measurements: { strain: { unit: 'ue', aliases: ['με', 'µε', 'microstrain'], min: -10_000, max: 10_000 }, tiltAngle: { ...DEG, min: -90, max: 90 } },
  },
  gas: {
    name: '燃气浓度',
    fiware: 'AirQualityObserved',
    defaultComponent: '01011',
    measurements: { ch4: { unit: '%LEL', aliases: ['%lel', 'LEL%'], min: 0, max: 100 } },
  },
  air_quality: {
    name: '空气质量 PM2.5/PM10',
    fiware: 'AirQualityObserved',
    defaultComponent: null,
    measurements: { pm25: { ...UGM3, min: 0, max: 2000 }, pm10: { ...UGM3, min: 0, max: 2000 } },
  },
  noise: {
    name: '噪声',
    fiware: 'NoiseLevelObserved',
    defaultComponent: '03013',
    measurements: { LAeq: { unit: 'dB(A)', aliases: ['dBA', 'dB'], min: 0, max: 150 } },
  },
  crowd: {
    name: '人流计数',
    fiware: 'CrowdFlowObserved',
    defaultComponent: null,
    measurements: { peopleCount: { unit: 'count', aliases: ['people', '人'], min: 0, max: 1_000_000 } },
  },
  waste_bin: {
    name: '垃圾箱满溢',
    fiware: 'WasteContainer',
    defaultComponent: '03005',
    measurements: { fillingLevel: { unit: 'ratio', aliases: ['1'], min: 0, max: 1 } },
  },
  street_light: {
    name: '路灯状态',
    fiware: 'Streetlight',
    defaultComponent: '01037',
    measurements: {
      powerState: { unit: 'enum', min: 0, max: 1, labels: ['off', 'on'] },
      status: { unit: 'enum', min: 0, max: 3, labels: ['ok', 'defectiveLamp', 'columnIssue', 'brokenLantern'] },
    },
  },
} as const satisfies Record<string, DeviceType>;

export type DeviceTypeCode = keyof typeof DEVICE_TYPES;

export function isDeviceType(s: string): s is DeviceTypeCode {
  return Object.hasOwn(DEVICE_TYPES, s);
}

export function measurementOf(type: DeviceTypeCode, name: string): Measurement | undefined {
  const ms: Readonly<Record<string, Measurement>> = DEVICE_TYPES[type].measurements;
  return Object.hasOwn(ms, name) ? ms[name] : undefined;
}
