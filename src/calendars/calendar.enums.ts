import { registerEnumType } from 'type-graphql';

export enum CalendarConnectionStatus {
  ACTIVE = 'ACTIVE',
  NEEDS_REAUTH = 'NEEDS_REAUTH',
  DISCONNECTED = 'DISCONNECTED',
}
registerEnumType(CalendarConnectionStatus, {
  name: 'CalendarConnectionStatus',
  description: 'Whether the server can use a connected calendar account.',
  valuesConfig: {
    ACTIVE: { description: 'Bookings are written to its dedicated calendar and its busy times are read.' },
    NEEDS_REAUTH: {
      description:
        'Google or Microsoft refused the grant (revoked, expired, or missing a permission): connect the same account again to resume.',
    },
    DISCONNECTED: { description: 'The provider disconnected it; the token was revoked and no call is made for it.' },
  },
});

export enum CalendarSyncStatus {
  PENDING = 'PENDING',
  RETRYING = 'RETRYING',
  SYNCED = 'SYNCED',
  FAILED = 'FAILED',
}
registerEnumType(CalendarSyncStatus, {
  name: 'CalendarSyncStatus',
  description: "Whether a booking's event in one connected calendar matches the booking.",
  valuesConfig: {
    PENDING: {
      description:
        'The calendar does not show the booking as it is now; a job to put it in step is queued (due at nextAttemptAt).',
    },
    RETRYING: {
      description:
        "Its last try failed (see lastError); the next one is at nextAttemptAt, after a backoff or the service's Retry-After.",
    },
    SYNCED: { description: 'The calendar matches the booking.' },
    FAILED: { description: 'It cannot succeed without the provider (the grant is gone or the calendar was deleted).' },
  },
});
