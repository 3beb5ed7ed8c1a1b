import { registerEnumType } from 'type-graphql';

export enum Frequency {
  ONCE = 'ONCE',
  DAILY = 'DAILY',
  WEEKLY = 'WEEKLY',
  MONTHLY = 'MONTHLY',
}
registerEnumType(Frequency, { name: 'Frequency' });

export enum Weekday {
  MO = 'MO',
  TU = 'TU',
  WE = 'WE',
  TH = 'TH',
  FR = 'FR',
  SA = 'SA',
  SU = 'SU',
}
registerEnumType(Weekday, { name: 'Weekday' });

export enum SlotStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(SlotStatus, { name: 'SlotStatus' });

export enum BlackoutKind {
  HOLIDAY = 'HOLIDAY',
  MAINTENANCE = 'MAINTENANCE',
  WEATHER = 'WEATHER',
  CUSTOM = 'CUSTOM',
}
registerEnumType(BlackoutKind, { name: 'BlackoutKind' });

export enum AvailabilityLevel {
  HIGH = 'HIGH',
  MEDIUM = 'MEDIUM',
  LOW = 'LOW',
  NONE = 'NONE',
}
registerEnumType(AvailabilityLevel, { name: 'AvailabilityLevel' });
