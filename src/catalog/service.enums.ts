import { registerEnumType } from 'type-graphql';

export enum BookingMode {
  INSTANT = 'INSTANT',
  APPROVAL = 'APPROVAL',
}
registerEnumType(BookingMode, { name: 'BookingMode' });

export enum MeetingProvider {
  NONE = 'NONE',
  JITSI = 'JITSI',
  GOOGLE_MEET = 'GOOGLE_MEET',
}
registerEnumType(MeetingProvider, { name: 'MeetingProvider' });
