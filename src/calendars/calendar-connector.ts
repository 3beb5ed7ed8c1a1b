import type { CalendarAccount, CalendarApi, CalendarKind } from './calendar-api';

/** How the server names a calendar service in pages, mails and errors, whether or not it is set up here. */
export interface CalendarNames {
  /** The product: "Google Calendar". */
  calendar: string;
  /** Who grants access and answers calls: "Google". */
  company: string;
  /** The setting that turns it on, named when it is off (CALENDARS_NOT_CONFIGURED). */
  setting: string;
  /** The API call that connects an account of it, for mails when no page of the front end is known. */
  connect: string;
}

/** What connecting an account gave back: its address (as the service spells it, lower case) and its secret to seal. */
export interface ExchangedAccount {
  email: string;
  secret: string;
}

/** The dedicated calendar to make in a connected account. */
export interface DedicatedCalendar {
  name: string;
  /** The provider's zone, for services that keep one per calendar. */
  timezone: string;
  /** Addresses to share it with (writer), where the service shares calendars. */
  shareWith: string[];
}

/**
 * A calendar service's adapter, as the domain uses it: the connect step (the consent page with the OAuth
 * flow's state and PKCE challenge, the code exchanged, the dedicated calendar checked or made) and the
 * calls of the sync (CalendarApi: events, busy times, revoking the grant on disconnect). The domain seals
 * and stores the secret; the adapter never stores anything.
 */
export interface CalendarConnector extends CalendarApi {
  /** The service's consent page for `state`, with a PKCE challenge (S256) that only the verifier `exchange` is given answers. */
  consentUrl(state: string, codeChallenge: string): string | Promise<string>;
  /** Trades the callback's code, with its PKCE verifier, for the account's address and secret. */
  exchange(code: string, codeVerifier: string): Promise<ExchangedAccount>;
  /** Whether the dedicated calendar is still in the account: its owner may have deleted it. */
  calendarExists(account: CalendarAccount, calendarId: string): Promise<boolean>;
  /** Makes the dedicated calendar: its id, and the addresses it was shared with (none where the service does not share). */
  createCalendar(account: CalendarAccount, calendar: DedicatedCalendar): Promise<{ id: string; sharedWith: string[] }>;
}

/**
 * A calendar service as its folder under src/integrations/ declares it: the kind in its rows and routes
 * (`/oauth/<kind>/callback`), its names, and how its settings make its connector.
 */
export interface CalendarAdapter<Settings> {
  kind: CalendarKind;
  /** `connect` only for a service with a connect mutation of its own; by default `connectCalendar(kind: "<kind>")`. */
  names: Omit<CalendarNames, 'connect'> & { connect?: string };
  connector(settings: Settings, redirectUri: string): CalendarConnector;
}

/** One calendar service of the registry: its names always, its connector when the settings turn it on. */
interface KnownCalendar {
  names: CalendarNames;
  connector?: CalendarConnector;
}

/**
 * The calendar services this server knows (src/integrations/registry.ts), by kind: what the calendar
 * service, resolver, OAuth routes and sync work from, so that none of them names a service.
 */
export class CalendarConnectors {
  private readonly known = new Map<CalendarKind, KnownCalendar>();

  /** `redirectUri`: where a service sends the browser back after the consent (the OAuth callback route of a kind). */
  constructor(private readonly redirectUri: (kind: CalendarKind) => string) {}

  /** Adds a service; `settings` undefined (its settings unset) leaves it known but off. */
  add<Settings>(adapter: CalendarAdapter<Settings>, settings: Settings | undefined): this {
    const names = { connect: `connectCalendar(kind: "${adapter.kind}")`, ...adapter.names };
    const connector = settings === undefined ? undefined : adapter.connector(settings, this.redirectUri(adapter.kind));
    this.known.set(adapter.kind, { names, connector });
    return this;
  }

  /** The names of a kind; a kind this server does not know (asked for, or an old row's) goes by its own name. */
  names(kind: CalendarKind): CalendarNames {
    const known = this.known.get(kind)?.names;
    if (known) return known;
    const name = kind.slice(0, 40);
    return {
      calendar: `The calendar service "${name}"`,
      company: name,
      setting: 'such service',
      connect: `connectCalendar(kind: "${name}")`,
    };
  }

  /** The connector of a kind set up on this server; none when its settings are unset. */
  connector(kind: CalendarKind): CalendarConnector | undefined {
    return this.known.get(kind)?.connector;
  }

  /** The services set up on this server, with their connectors. */
  configured(): { kind: CalendarKind; connector: CalendarConnector }[] {
    return [...this.known].flatMap(([kind, { connector }]) => (connector ? [{ kind, connector }] : []));
  }
}
