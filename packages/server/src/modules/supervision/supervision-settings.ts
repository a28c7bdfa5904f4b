/**
 * The per-district supervision settings document (districts.settings.supervision): how long a
 * unit has to respond, in working hours, and the card thresholds per indicator.
 */
import type { CardThreshold } from '@onegrid/domain/supervision/cards';

export interface SupervisionSettings {
  /** Working hours the responsible unit has to respond; unset: one working day of the district. */
  responseWorkingHours?: number;
  cards?: CardThreshold[];
}

export interface EffectiveSupervisionSettings {
  responseWorkingHours: number;
  cards: CardThreshold[];
}

export const DEFAULT_CARD_THRESHOLDS: CardThreshold[] = [{ indicator: 'closed_on_time_rate', yellowBelow: 0.9, redBelow: 0.8 }];

export function ownSettings(districtSettings: string | undefined): SupervisionSettings {
  const all = JSON.parse(districtSettings ?? '{}') as { supervision?: SupervisionSettings };
  return all.supervision ?? {};
}

export function effectiveSettings(own: SupervisionSettings, minutesPerWorkingDay: number): EffectiveSupervisionSettings {
  return {
    responseWorkingHours: own.responseWorkingHours ?? minutesPerWorkingDay / 60,
    cards: own.cards ?? DEFAULT_CARD_THRESHOLDS,
  };
}

/** Chinese names of the indicators the evaluation engine reports, for card reasons. */
export const INDICATOR_NAMES: Record<string, string> = {
  registration_rate: '立案率',
  close_rate: '结案率',
  closed_on_time_rate: '按期结案率',
  handle_rate: '处置率',
  handled_on_time_rate: '按期处置率',
  rework_rate: '返工率',
};
