import { registerEnumType } from 'type-graphql';

export enum BookingMode {
  INSTANT = 'INSTANT',
  APPROVAL = 'APPROVAL',
}
registerEnumType(BookingMode, {
  name: 'BookingMode',
  description: 'How a service is booked.',
  valuesConfig: {
    INSTANT: { description: 'Customers book open slots directly with `book`.' },
    APPROVAL: {
      description:
        'Customers `propose`; the provider accepts (which books), declines or counter-proposes. `book` answers APPROVAL_REQUIRED.',
    },
  },
});

export enum MeetingProvider {
  NONE = 'NONE',
  JITSI = 'JITSI',
  GOOGLE_MEET = 'GOOGLE_MEET',
  ZOOM = 'ZOOM',
  WHEREBY = 'WHEREBY',
  MICROSOFT_TEAMS = 'MICROSOFT_TEAMS',
}
registerEnumType(MeetingProvider, {
  name: 'MeetingProvider',
  description: 'Where the online meeting of a booking takes place.',
  valuesConfig: {
    NONE: { description: 'No online meeting (an in-person service).' },
    JITSI: { description: 'A Jitsi Meet link made per booking; needs no account.' },
    GOOGLE_MEET: { description: "A Google Meet link from the provider's connected Google Calendar event." },
    ZOOM: {
      description:
        'A Zoom meeting made for each booking (the server needs Zoom credentials); its link follows on the booking, by email and in the invite.',
    },
    WHEREBY: {
      description:
        'A Whereby room made for each booking (the server needs WHEREBY_API_KEY); its link follows on the booking, by email and in the invite.',
    },
    MICROSOFT_TEAMS: {
      description:
        "A Microsoft Teams meeting made with the booking's event in the provider's connected Microsoft 365 calendar (a work or school account; the server needs MICROSOFT_TEAMS); its join link follows on the booking, by email and in the invite.",
    },
  },
});
