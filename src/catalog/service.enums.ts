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
  ZOOM = 'ZOOM',
}
registerEnumType(MeetingProvider, {
  name: 'MeetingProvider',
  valuesConfig: { ZOOM: { description: 'A Zoom meeting made for each booking (the server needs Zoom credentials); its link follows on the booking, by email and in the invite.' } },
});
