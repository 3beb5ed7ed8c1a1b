import type { BookingLifecycle } from '../booking/booking-lifecycle';
import { CalendarConnectors } from '../calendars/calendar-connector';
import type { Config } from '../config';
import { googleCalendar } from './google/google-client';
import { microsoftCalendar } from './microsoft/microsoft-calendar';
import { StripeGateway } from './stripe/stripe-gateway';
import { WherebyClient } from './whereby/whereby-client';
import { WherebyMeetings } from './whereby/whereby-meetings';
import { ZoomClient } from './zoom/zoom-client';
import { ZoomMeetings } from './zoom/zoom-meetings';

/**
 * The outside services the settings turn on, each built from its own settings: the one place (with
 * config.ts) that knows which adapters exist. createDomain wires what this answers into the services.
 */
export function buildIntegrations(config: Config, lifecycle: BookingLifecycle) {
  const zoom = new ZoomMeetings(config.zoom ? new ZoomClient(config.zoom) : undefined, lifecycle);
  const whereby = new WherebyMeetings(config.whereby ? new WherebyClient(config.whereby) : undefined, lifecycle);
  return {
    /** Every calendar service, each with its settings (unset: known by name, but off). */
    calendars: new CalendarConnectors((kind) => `${config.publicUrl}/oauth/${kind}/callback`)
      .add(googleCalendar, config.google)
      .add(microsoftCalendar, config.microsoft),
    /** The key that seals every calendar service's grants at rest. */
    calendarTokenKey: config.google?.tokenKey ?? config.microsoft?.tokenKey,
    /** The meeting services that make a link per booking, each listening to booking changes. */
    meetings: { zoom, whereby },
    /** Which meeting providers a service may choose (Teams comes with the Microsoft calendar's grant). */
    meetingProviders: { zoom: zoom.configured, whereby: whereby.configured, teams: config.microsoft?.teams ?? false },
    payments: config.stripe ? new StripeGateway(config.stripe) : undefined,
  };
}
