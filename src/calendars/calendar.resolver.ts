import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../accounts/role';
import { Booking } from '../booking/booking.entity';
import type { RequestContext } from '../core/context';
import { listCost, MAX_ROWS } from '../graphql/limits';
import { CalendarConnection, CalendarSync } from './calendar.entity';
import type { CalendarService } from './calendar.service';

@Resolver()
export class CalendarResolver {
  constructor(private readonly calendars: CalendarService) {}

  @Authorized(Role.PROVIDER)
  @Query(() => [CalendarConnection], {
    description: `The calling provider's connected calendar accounts, oldest first; at most ${MAX_ROWS.calendarConnections}.`,
    complexity: listCost(5, MAX_ROWS.calendarConnections),
  })
  myCalendarConnections(@Ctx() ctx: RequestContext): Promise<CalendarConnection[]> {
    return this.calendars.mine(ctx);
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => String, {
    description:
      "A start link on this server (PUBLIC_URL/oauth/<kind>/start?ticket=…) to open at once in the provider's browser (usable once, within 2 minutes) for an account of the calendar service `kind`: it binds the consent to that browser with a cookie and sends it to the service's consent page (PKCE); GET /oauth/<kind>/callback then connects the account, for that browser only. The same as the service's own mutation (connectGoogleCalendar, connectMicrosoftCalendar) where it has one. CALENDARS_NOT_CONFIGURED when the server has not set that service up.",
  })
  connectCalendar(
    @Ctx() ctx: RequestContext,
    @Arg('kind', () => String, {
      description: 'The calendar service, as CalendarConnection.kind names it: "google", "microsoft", …',
    })
    kind: string,
  ): Promise<string> {
    return this.calendars.connect(ctx, kind);
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => String, {
    description:
      "A start link on this server (PUBLIC_URL/oauth/google/start?ticket=…) to open at once in the provider's browser (usable once, within 2 minutes): it binds the consent to that browser with a cookie and sends it to Google's consent page (offline access to calendars, PKCE); GET /oauth/google/callback then connects the account, for that browser only. CALENDARS_NOT_CONFIGURED when the server has no Google client.",
  })
  connectGoogleCalendar(@Ctx() ctx: RequestContext): Promise<string> {
    return this.calendars.connect(ctx, 'google');
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => String, {
    description:
      "A start link on this server (PUBLIC_URL/oauth/microsoft/start?ticket=…) to open at once in the provider's browser (usable once, within 2 minutes): it binds the consent to that browser with a cookie and sends it to Microsoft's sign-in page (a work, school or personal account; calendars with offline access, Teams meetings when the server offers them; PKCE); GET /oauth/microsoft/callback then connects the account, for that browser only, beside any Google accounts. CALENDARS_NOT_CONFIGURED when the server has no Microsoft app.",
  })
  connectMicrosoftCalendar(@Ctx() ctx: RequestContext): Promise<string> {
    return this.calendars.connect(ctx, 'microsoft');
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => Boolean, {
    description:
      "Stops syncing with the account and revokes its grant at Google (a Microsoft account's tokens are forgotten; its owner removes the app's access in their account); the events already written stay in its calendar.",
  })
  disconnectCalendar(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The connection to disconnect.' }) id: string,
  ): Promise<boolean> {
    return this.calendars.disconnect(ctx, id);
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => CalendarConnection, {
    description:
      "Whether busy times in the account's other calendars close the provider's overlapping slots; turning it on reads them at once.",
  })
  setCalendarBlocking(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The connection to change.' }) id: string,
    @Arg('blocksAvailability', () => Boolean, {
      description: 'True: its busy times close overlapping slots; false: they no longer do.',
    })
    blocksAvailability: boolean,
  ): Promise<CalendarConnection> {
    return this.calendars.setBlocking(ctx, id, blocksAvailability);
  }

  @Authorized(Role.PROVIDER)
  @Mutation(() => CalendarConnection, {
    description:
      'Compares every future booking with the dedicated calendar and mends what differs, in the background (watch pendingSyncs).',
  })
  resyncCalendar(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { description: 'The ACTIVE connection to check.' }) id: string,
  ): Promise<CalendarConnection> {
    return this.calendars.resync(ctx, id);
  }
}

@Resolver(() => CalendarSync)
export class CalendarSyncResolver {
  @FieldResolver(() => CalendarConnection, { description: 'The calendar account this is about.' })
  connection(@Root() sync: CalendarSync): Promise<CalendarConnection> {
    return sync.connection.loadOrFail();
  }
}

/** The calendar fields of a booking. */
@Resolver(() => Booking)
export class BookingCalendarResolver {
  constructor(private readonly calendars: CalendarService) {}

  @FieldResolver(() => [CalendarSync], {
    description: `The booking's event in each of the provider's connected calendars (at most ${MAX_ROWS.calendarConnections}): shown to the provider and admins; empty for the customer.`,
    complexity: listCost(1, MAX_ROWS.calendarConnections),
  })
  calendarSyncs(@Ctx() ctx: RequestContext, @Root() booking: Booking): Promise<CalendarSync[]> {
    return this.calendars.syncsOf(ctx, booking);
  }
}
