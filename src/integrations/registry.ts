import type { BookingLifecycle } from '../booking/booking-lifecycle';
import type { CalendarKind } from '../calendars/calendar-api';
import type { Config } from '../config';
import { MeetingJobs } from './meeting-jobs';
import { GoogleApi } from './google/google-client';
import { MicrosoftCalendar } from './microsoft/microsoft-calendar';
import { StripeGateway } from './stripe/stripe-gateway';
import { WherebyClient } from './whereby/whereby-client';
import { WherebyMeetingApi } from './whereby/whereby-meetings';
import { ZoomClient } from './zoom/zoom-client';
import { ZoomMeetingApi } from './zoom/zoom-meetings';

/**
 * The outside services the settings turn on, each built from its own settings: the one place (with
 * config.ts) that knows which adapters exist. createDomain wires what this answers into the services.
 */
export function buildIntegrations(config: Config, lifecycle: BookingLifecycle) {
  const callback = (kind: CalendarKind) => `${config.publicUrl}/oauth/${kind}/callback`;
  const zoom = new MeetingJobs(config.zoom && new ZoomMeetingApi(new ZoomClient(config.zoom)), lifecycle);
  const whereby = new MeetingJobs(
    config.whereby && new WherebyMeetingApi(new WherebyClient(config.whereby)),
    lifecycle,
  );
  return {
    calendars: {
      google: config.google ? new GoogleApi(config.google, callback('google')) : undefined,
      microsoft: config.microsoft ? new MicrosoftCalendar(config.microsoft, callback('microsoft')) : undefined,
    },
    /** The key that seals every calendar service's grants at rest. */
    calendarTokenKey: config.google?.tokenKey ?? config.microsoft?.tokenKey,
    /** The meeting services that make a link per booking, each listening to booking changes. */
    meetings: { zoom, whereby },
    /** Which meeting providers a service may choose (Teams comes with the Microsoft calendar's grant). */
    meetingProviders: { zoom: zoom.configured, whereby: whereby.configured, teams: config.microsoft?.teams ?? false },
    payments: config.stripe ? new StripeGateway(config.stripe) : undefined,
  };
}
