import { randomUUID } from 'node:crypto';
import {
  Client,
  type Context,
  GraphError,
  type GraphRequest,
  HTTPMessageHandler,
  type Middleware,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import { IntegrationError, retryAfterSeconds } from '../integration-error';
import {
  isPersonalTenant,
  MemoryTokenCache,
  type MicrosoftAccount,
  MicrosoftAuth,
  type MicrosoftSettings,
  type TokenCacheStore,
} from './microsoft-auth';

/** What the server writes into an event of a dedicated calendar. */
export interface EventFields {
  subject: string;
  /** Plain text. */
  body: string;
  start: Date;
  end: Date;
  location?: string | null;
  /** Make the event a Microsoft Teams meeting (work and school accounts). */
  teams: boolean;
}

/** An event as read back from Graph; `key` is ours (null on events someone made by hand). */
export interface CalendarEvent {
  id: string;
  key: string | null;
  subject: string;
  /** The body as plain text (asked for with Prefer: outlook.body-content-type="text"), line ends as \n. */
  body: string;
  start: Date;
  end: Date;
  /** The Teams join link, once Graph made the meeting. */
  joinUrl: string | null;
}

export interface BusyPeriod {
  start: Date;
  end: Date;
}

/**
 * Our key on each event, as a single-value extended property: unlike an open extension, Graph can find
 * an event by its value ($filter), which is how a create whose answer was lost is found again.
 */
export const EVENT_KEY_PROPERTY = 'String {0c2a6a3e-8f1b-4b7a-9d6e-2f4b5c8a1d97} Name BookingKey';

/** getSchedule's window must be shorter than 62 days; busy times are read in windows of this many. */
export const SCHEDULE_WINDOW_DAYS = 61;
const DAY_MS = 86_400_000;

interface GraphEventBody {
  id: string;
  subject?: string;
  body?: { contentType?: string; content?: string };
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  showAs?: string;
  isCancelled?: boolean;
  onlineMeeting?: { joinUrl?: string } | null;
  singleValueExtendedProperties?: { id: string; value: string }[];
}

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

/** Graph's dateTimeTimeZone in UTC (what every call here sends and, without a Prefer header, reads). */
const utc = (date: Date) => ({ dateTime: date.toISOString().slice(0, 23), timeZone: 'UTC' });

function readUtc(value: { dateTime: string; timeZone: string }): Date {
  if (value.timeZone !== 'UTC')
    throw new IntegrationError('microsoft', 'failed', `Graph answered a time in ${value.timeZone}`);
  return new Date(`${value.dateTime.slice(0, 23)}Z`);
}

const quoted = (value: string) => `'${value.replaceAll("'", "''")}'`;

function eventOf(body: GraphEventBody): CalendarEvent {
  return {
    id: body.id,
    key: body.singleValueExtendedProperties?.find((property) => property.id === EVENT_KEY_PROPERTY)?.value ?? null,
    subject: body.subject ?? '',
    body: (body.body?.content ?? '').replaceAll('\r\n', '\n').trim(),
    start: readUtc(body.start),
    end: readUtc(body.end),
    joinUrl: body.onlineMeeting?.joinUrl ?? null,
  };
}

/** Reads a failed Graph call (GraphError: the status, Graph's error code and the answer's headers). */
export function graphFailure(error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  if (!(error instanceof GraphError) || error.statusCode <= 0) {
    // No answer: the Graph client keeps fetch's error as its code (the error's name), or as its body.
    const cause =
      error instanceof GraphError && typeof error.body === 'object' && error.body
        ? (error.body as Error)
        : (error as Error);
    const timedOut = cause.name === 'TimeoutError' || (error as GraphError).code === 'TimeoutError';
    const message = timedOut
      ? 'Microsoft Graph gave no answer in time'
      : `Microsoft Graph could not be reached: ${cause.message}`;
    return new IntegrationError('microsoft', 'failed', message);
  }
  const { statusCode: status, code } = error;
  const wait = retryAfterSeconds(error.headers?.get('retry-after'));
  const kind =
    status === 404 || status === 410
      ? 'gone'
      : status === 429 || (status === 503 && wait !== null)
        ? 'throttled'
        : 'failed';
  return new IntegrationError(
    'microsoft',
    kind,
    `Microsoft Graph answered ${status} ${code ?? ''}: ${error.message}`.slice(0, 500),
    status,
    code,
    wait,
  );
}

/** Gives each attempt (the first and each retry of the RetryHandler) its own time limit. */
class AttemptTimeout implements Middleware {
  private next?: Middleware;

  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    context.options = { ...context.options, signal: AbortSignal.timeout(this.timeoutMs) };
    await this.next?.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * Microsoft Graph for one connected account, through the official client: its RetryHandler retries
 * 429, 503 and 504 after Graph's Retry-After (a create is safe to send again: it carries a
 * transactionId), up to `maxRetries` times while the wait asked is at most `maxRetryWaitSeconds`;
 * beyond that the caller gets `throttled` with the wait. The token comes from MSAL on each call, and a
 * 401 (a token revoked or expired early) is tried once more with a new one.
 */
export class MicrosoftGraph {
  private readonly client: Client;
  private readonly app;

  constructor(
    private readonly auth: MicrosoftAuth,
    store: TokenCacheStore,
  ) {
    const { graphUrl, timeoutMs, maxRetries, maxRetryWaitSeconds } = auth.settings;
    this.app = auth.app(store);
    const waitAllowed = (...[, , , , response]: Parameters<RetryHandlerOptions['shouldRetry']>) =>
      (retryAfterSeconds(response.headers.get('retry-after')) ?? 0) <= maxRetryWaitSeconds;
    const attempt = new AttemptTimeout(timeoutMs);
    const retry = new RetryHandler(new RetryHandlerOptions(1, maxRetries, waitAllowed));
    retry.setNext(attempt);
    attempt.setNext(new HTTPMessageHandler());
    this.client = Client.initWithMiddleware({
      baseUrl: `${graphUrl.replace(/\/+$/, '')}/`,
      defaultVersion: 'v1.0',
      middleware: retry,
    });
  }

  private async call<T>(send: (api: (path: string) => GraphRequest) => Promise<T>, forceRefresh = false): Promise<T> {
    const token = await this.auth.accessToken(this.app, forceRefresh);
    try {
      return await send((path) => this.client.api(path).header('Authorization', `Bearer ${token}`));
    } catch (error) {
      if (!forceRefresh && error instanceof GraphError && error.statusCode === 401) return this.call(send, true);
      throw graphFailure(error);
    }
  }

  /** Every page of a list; `headers` (a Prefer) go with each page's request, as Graph reads them per request. */
  private async pages<T>(
    first: (api: (path: string) => GraphRequest) => Promise<Page<T>>,
    headers: Record<string, string> = {},
  ): Promise<T[]> {
    const items: T[] = [];
    let page = await this.call(first);
    items.push(...page.value);
    while (page['@odata.nextLink']) {
      const next = page['@odata.nextLink'];
      page = await this.call((api) => api(next).headers(headers).get());
      items.push(...page.value);
    }
    return items;
  }

  /** The signed-in account: its address (`mail`, or the sign-in name where Graph has none, as for many personal accounts). */
  async me(): Promise<{ id: string; email: string; displayName: string | null }> {
    const me = await this.call((api) => api('/me').select(['id', 'displayName', 'mail', 'userPrincipalName']).get());
    return {
      id: me.id,
      email: String(me.mail ?? me.userPrincipalName).toLowerCase(),
      displayName: me.displayName ?? null,
    };
  }

  /**
   * Makes the dedicated calendar, or adopts the account's calendar of that name (a retry whose first
   * answer was lost, or a calendar kept from an earlier connection): Graph refuses a second one of a name.
   */
  async createCalendar(name: string): Promise<{ id: string; name: string }> {
    try {
      const made = await this.call((api) => api('/me/calendars').post({ name }));
      return { id: made.id, name: made.name };
    } catch (error) {
      if (!(error instanceof IntegrationError && error.code === 'ErrorFolderExists')) throw error;
      const calendars = await this.pages<{ id: string; name: string }>((api) =>
        api('/me/calendars').select(['id', 'name']).get(),
      );
      const same = calendars.find((calendar) => calendar.name === name);
      if (!same) throw error;
      return { id: same.id, name: same.name };
    }
  }

  /** Whether the calendar is still there: its owner may have deleted it in Outlook. */
  async calendarExists(calendarId: string): Promise<boolean> {
    try {
      await this.call((api) =>
        api(`/me/calendars/${encodeURIComponent(calendarId)}`)
          .select('id')
          .get(),
      );
      return true;
    } catch (error) {
      if (error instanceof IntegrationError && error.kind === 'gone') return false;
      throw error;
    }
  }

  private events(calendarId: string) {
    return `/me/calendars/${encodeURIComponent(calendarId)}/events`;
  }

  /** The event carrying our key, if any (a 404 here means the calendar is gone). */
  async findEvent(calendarId: string, key: string): Promise<CalendarEvent | null> {
    const page = await this.call<Page<GraphEventBody>>((api) =>
      api(this.events(calendarId))
        .filter(
          `singleValueExtendedProperties/Any(ep: ep/id eq ${quoted(EVENT_KEY_PROPERTY)} and ep/value eq ${quoted(key)})`,
        )
        .expand(`singleValueExtendedProperties($filter=id eq ${quoted(EVENT_KEY_PROPERTY)})`)
        .top(2)
        .get(),
    );
    return page.value[0] ? eventOf(page.value[0]) : null;
  }

  /**
   * Makes the calendar's event of `key` match `fields`: the event found by its key is updated (moved),
   * else one is created. A create carries a transactionId, so Graph answers a resent one (a retry after
   * a 503 or a timeout) with the first event instead of a second; and since Graph documents no lifetime
   * for transactionIds, a later call first looks for the key, finding an event whose create answer was lost.
   */
  async putEvent(calendarId: string, key: string, fields: EventFields): Promise<CalendarEvent> {
    const body = {
      subject: fields.subject.slice(0, 255),
      body: { contentType: 'text', content: fields.body },
      start: utc(fields.start),
      end: utc(fields.end),
      location: { displayName: fields.location ?? '' },
      showAs: 'busy',
      isOnlineMeeting: fields.teams,
      ...(fields.teams ? { onlineMeetingProvider: 'teamsForBusiness' } : {}),
    };
    const expand = `singleValueExtendedProperties($filter=id eq ${quoted(EVENT_KEY_PROPERTY)})`;
    const found = await this.findEvent(calendarId, key);
    if (found) {
      try {
        const path = `${this.events(calendarId)}/${encodeURIComponent(found.id)}`;
        return eventOf(await this.call((api) => api(path).expand(expand).patch(body)));
      } catch (error) {
        // Deleted by hand since it was found: made again below.
        if (!(error instanceof IntegrationError && error.kind === 'gone')) throw error;
      }
    }
    const created = await this.call((api) =>
      api(this.events(calendarId))
        .expand(expand)
        .post({
          ...body,
          transactionId: randomUUID(),
          singleValueExtendedProperties: [{ id: EVENT_KEY_PROPERTY, value: key }],
        }),
    );
    return eventOf(created);
  }

  /** Deletes the calendar's event of `key`; none (never made, or deleted by hand) is fine. */
  async deleteEvent(calendarId: string, key: string): Promise<void> {
    const found = await this.findEvent(calendarId, key);
    if (!found) return;
    try {
      await this.call((api) => api(`${this.events(calendarId)}/${encodeURIComponent(found.id)}`).delete());
    } catch (error) {
      if (!(error instanceof IntegrationError && error.kind === 'gone')) throw error;
    }
  }

  /** The events of a calendar (`default`: the account's main one) in [from, to), every page, bodies as text. */
  async listEvents(calendarId: string | 'default', from: Date, to: Date): Promise<CalendarEvent[]> {
    const path =
      calendarId === 'default'
        ? '/me/calendar/calendarView'
        : `/me/calendars/${encodeURIComponent(calendarId)}/calendarView`;
    const prefer = { Prefer: 'outlook.body-content-type="text"' };
    const events = await this.pages<GraphEventBody>(
      (api) =>
        api(path)
          .headers(prefer)
          .query({ startDateTime: from.toISOString(), endDateTime: to.toISOString() })
          .expand(`singleValueExtendedProperties($filter=id eq ${quoted(EVENT_KEY_PROPERTY)})`)
          .top(500)
          .get(),
      prefer,
    );
    return events.filter((event) => !event.isCancelled).map(eventOf);
  }

  /**
   * The account's busy times in [from, to): what its main calendar shows as busy, tentative, away or
   * working elsewhere (Outlook's free/busy reads the main calendar only, so the dedicated one never counts).
   * Work and school accounts through getSchedule, in windows shorter than its 62-day limit; personal
   * accounts, which getSchedule does not serve, through calendarView of the main calendar.
   */
  async busy(account: Pick<MicrosoftAccount, 'email' | 'personal'>, from: Date, to: Date): Promise<BusyPeriod[]> {
    const periods: BusyPeriod[] = [];
    for (let start = from; start < to; start = new Date(start.getTime() + SCHEDULE_WINDOW_DAYS * DAY_MS)) {
      const end = new Date(Math.min(to.getTime(), start.getTime() + SCHEDULE_WINDOW_DAYS * DAY_MS));
      periods.push(
        ...(account.personal ? await this.busyFromView(start, end) : await this.schedule(account.email, start, end)),
      );
    }
    return periods;
  }

  private async schedule(email: string, from: Date, to: Date): Promise<BusyPeriod[]> {
    const answer = await this.call<{
      value: {
        scheduleItems?: { status: string; start: GraphEventBody['start']; end: GraphEventBody['end'] }[];
        error?: { message: string };
      }[];
    }>((api) =>
      api('/me/calendar/getSchedule').post({
        schedules: [email],
        startTime: utc(from),
        endTime: utc(to),
        availabilityViewInterval: 60,
      }),
    );
    const [schedule] = answer.value;
    if (!schedule || schedule.error)
      throw new IntegrationError(
        'microsoft',
        'failed',
        `Graph could not read the free/busy of ${email}: ${schedule?.error?.message ?? 'no answer'}`,
      );
    return (schedule.scheduleItems ?? [])
      .filter((item) => item.status.toLowerCase() !== 'free')
      .map((item) => ({ start: readUtc(item.start), end: readUtc(item.end) }));
  }

  private async busyFromView(from: Date, to: Date): Promise<BusyPeriod[]> {
    const events = await this.pages<GraphEventBody>((api) =>
      api('/me/calendar/calendarView')
        .query({ startDateTime: from.toISOString(), endDateTime: to.toISOString() })
        .select(['start', 'end', 'showAs', 'isCancelled'])
        .top(500)
        .get(),
    );
    return events
      .filter((event) => !event.isCancelled && event.showAs !== 'free')
      .map((event) => ({ start: readUtc(event.start), end: readUtc(event.end) }));
  }
}

/**
 * Microsoft 365 for the server: connecting an account (consent URL with PKCE, the code redeemed, the
 * account read from Graph) and Graph for a connected account, from its stored token cache.
 */
export class MicrosoftClient {
  readonly auth: MicrosoftAuth;

  constructor(settings: MicrosoftSettings) {
    this.auth = new MicrosoftAuth(settings);
  }

  consentUrl(redirectUri: string, state: string, codeChallenge: string, loginHint?: string) {
    return this.auth.consentUrl(redirectUri, state, codeChallenge, loginHint);
  }

  /** The callback's code redeemed: the account, and its token cache (to seal and store with the connection). */
  async connect(
    code: string,
    codeVerifier: string,
    redirectUri: string,
  ): Promise<{ account: MicrosoftAccount; tokenCache: string }> {
    const store = new MemoryTokenCache();
    const signedIn = await this.auth.redeem(store, code, codeVerifier, redirectUri);
    const me = await this.graph(store).me();
    if (!store.value) throw new IntegrationError('microsoft', 'failed', 'MSAL stored no tokens');
    return {
      account: {
        homeAccountId: signedIn.homeAccountId,
        tenantId: signedIn.tenantId,
        personal: isPersonalTenant(signedIn.tenantId),
        email: me.email,
        displayName: me.displayName ?? signedIn.name ?? null,
      },
      tokenCache: store.value,
    };
  }

  /** Graph for the account whose token cache `store` holds. */
  graph(store: TokenCacheStore): MicrosoftGraph {
    return new MicrosoftGraph(this.auth, store);
  }
}
