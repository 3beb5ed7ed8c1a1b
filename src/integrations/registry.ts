import type { BookingLifecycle } from '../booking/booking-lifecycle';
import { CalendarConnectors } from '../calendars/calendar-connector';
import type { MeetingSettings } from '../catalog/catalog.service';
import { MeetingProvider } from '../catalog/service.enums';
import type { Config } from '../config';
import { MeetingJobs } from './meeting-jobs';
import { googleCalendar } from './google/google-client';
import { microsoftCalendar } from './microsoft/microsoft-calendar';
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
  const zoom = new MeetingJobs(config.zoom && new ZoomMeetingApi(new ZoomClient(config.zoom)), lifecycle);
  const whereby = new MeetingJobs(
    config.whereby && new WherebyMeetingApi(new WherebyClient(config.whereby)),
    lifecycle,
  );
  return {
    /** Every calendar service, each with its settings (unset: known by name, but off). */
    calendars: new CalendarConnectors((kind) => `${config.publicUrl}/oauth/${kind}/callback`)
      .add(googleCalendar, config.google)
      .add(microsoftCalendar, config.microsoft),
    /** The key that seals every calendar service's grants at rest. */
    calendarTokenKey: config.google?.tokenKey ?? config.microsoft?.tokenKey,
    /** The meeting services that make a link per booking, each listening to booking changes. */
    meetings: { zoom, whereby },
    /** The meeting providers that need settings, and whether they are set (Teams comes with the Microsoft calendar's grant). */
    meetingProviders: {
      [MeetingProvider.ZOOM]: {
        configured: zoom.configured,
        needs: 'Zoom account configured (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET)',
      },
      [MeetingProvider.WHEREBY]: {
        configured: whereby.configured,
        needs: 'Whereby API key configured (WHEREBY_API_KEY)',
      },
      [MeetingProvider.MICROSOFT_TEAMS]: {
        configured: config.microsoft?.teams ?? false,
        needs: 'Microsoft app with Teams (MICROSOFT_CLIENT_ID, MICROSOFT_TEAMS)',
      },
    } satisfies MeetingSettings,
    payments: config.stripe ? new StripeGateway(config.stripe) : undefined,
  };
}
