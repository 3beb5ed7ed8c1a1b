import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import type { HoldSettings } from './booking/hold-policy';
import type { GoogleSettings } from './integrations/google/google-client';
import { MICROSOFT_DEFAULTS, type MicrosoftSettings } from './integrations/microsoft/microsoft-auth';
import type { ZoomSettings } from './integrations/zoom/zoom-client';
import { WHEREBY_DEFAULTS, type WherebySettings } from './integrations/whereby/whereby-client';
import type { ImageSettings } from './images/image-storage';
import type { StripeSettings } from './integrations/stripe/stripe-gateway';
import type { WebhookSettings } from './webhooks/webhook-sender';
import { ConfigError } from './core/errors';

/** Settings from the environment (docs/operations.md, "Settings"; every one is listed in .env.example). */
export interface Config {
  databaseUrl?: string;
  dataDir: string;
  /** The address to listen on (HOST); unset: every interface. */
  host?: string;
  port: number;
  jwtSecret: string;
  /** How long an access token (`token`) and a refresh token stay valid. */
  accessTokenMinutes: number;
  refreshTokenDays: number;
  rateLimits: RateLimitSettings;
  adminEmail?: string;
  adminPassword?: string;
  publicUrl: string;
  /** Where the front end is: email links then point at its pages (`/bookings/<id>`) instead of the server's signed booking page. */
  appUrl?: string;
  /** The key that signs the booking page links in emails; derived from JWT_SECRET when unset. */
  linkSecret: string;
  /** Hours after a booking ends that its follow-up email (with the review link) is sent; 0 sends none. */
  followUpHours: number;
  smtpUrl?: string;
  mailFrom: string;
  /** Card payments are on only with a Stripe secret key; STRIPE_API_URL points the client at another host (tests). */
  stripe?: StripeSettings;
  /** Zoom meetings for ZOOM services: on only with all three credentials; ZOOM_API_URL points every call at another host (tests). */
  zoom?: ZoomSettings;
  /** Whereby rooms for WHEREBY bookings: on only with WHEREBY_API_KEY; WHEREBY_API_URL points the calls at another host (tests). */
  whereby?: WherebySettings;
  /** How long seats stay held for a payment, a proposal waits, and a waitlist offer stands. */
  holdMinutes: number;
  /** How long a guest's free booking holds its seats for the guest to confirm it from the emailed link. */
  guestConfirmMinutes: number;
  /** Caps on one customer's unpaid holds, and the cooldown before holding a released slot again. */
  holds: HoldSettings;
  /** Distinct outside addresses (booking contacts) one account may have mailed in 24 hours; 0: no limit. */
  guestAddressesPerDay: number;
  proposalTtlHours: number;
  waitlistOfferHours: number;
  /** Outgoing webhooks: plain http and private addresses (development), the time one delivery may take, the key that seals endpoint secrets. */
  webhooks: WebhookSettings;
  /** Google Calendar is on only with GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, and then needs CALENDAR_TOKEN_KEY; GOOGLE_API_URL points every Google call at another host (tests). */
  google?: GoogleSettings;
  /** Microsoft 365 calendars (and Teams with MICROSOFT_TEAMS) are on only with MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET, and then need CALENDAR_TOKEN_KEY; the login and Graph URLs point elsewhere in tests. */
  microsoft?: MicrosoftSettings & { tokenKey: string };
  /** Whether this process also runs the background jobs (WORKER=off leaves them to `npm run worker`). */
  runWorker: boolean;
  /** The port of `npm run worker`'s own GET /metrics (WORKER_METRICS_PORT). */
  workerMetricsPort: number;
  logLevel: string;
  /** NODE_ENV=production: refuses a random JWT secret and hides /metrics unless METRICS_TOKEN is set. */
  production: boolean;
  /** True when JWT_SECRET was not given and tokens are signed with a key that dies with the process. */
  jwtSecretGenerated: boolean;
  /** The Bearer token GET /metrics asks for; unset, /metrics is open outside production and off in it. */
  metricsToken?: string;
  /** Express `trust proxy`: which proxies' X-Forwarded-For gives the client's address (audit IP, socket cap). */
  trustProxy: boolean | number | string;
  /** Concurrent WebSocket connections one client address may hold; the next is refused with 429. */
  maxSocketsPerClient: number;
  /** How long one GraphQL operation may run before the fields left are refused with TIMEOUT. */
  operationTimeoutMs: number;
  /** PostgreSQL statement_timeout of every ORM connection (requests and jobs). */
  statementTimeoutMs: number;
  /** How long opening a connection to PostgreSQL may take before it counts as unreachable. */
  dbConnectTimeoutMs: number;
  /** How long stopping may take in all, even with PostgreSQL gone; a step still running then is abandoned. */
  shutdownTimeoutMs: number;
  /** The GraphQL explorer at GET /graphql and introspection (EXPLORER=off turns both off). */
  explorer: boolean;
  /** Origins (scheme://host[:port]) whose pages may call the API; empty: no cross-origin access. */
  corsOrigins: string[];
  /** Uploaded images: a folder (UPLOADS_DIR, by default DATA_DIR/uploads) or an S3 bucket (S3_BUCKET). */
  images: ImageSettings;
}

/** Counts per window, shared by every process through PostgreSQL; a count of 0 turns that limit off. */
export interface RateLimitSettings {
  /** Failed `logIn`s (and `changePassword`s) per account from one client address, and per client address, in one window. */
  loginPerAccount: number;
  loginPerAddress: number;
  loginWindowSeconds: number;
  signUpPerAddress: number;
  signUpWindowSeconds: number;
  /** Mutations per client: per account when signed in, else per address. */
  mutationsPerClient: number;
  mutationsWindowSeconds: number;
  /** Image uploads (POST /uploads) per account. */
  uploadsPerAccount: number;
  uploadsWindowSeconds: number;
  /** `redeliverWebhook` calls per account. */
  redeliveriesPerAccount: number;
  redeliveriesWindowSeconds: number;
  /** Links confirming an account's address mailed to it again (`requestEmailVerification`). */
  verificationMailsPerAccount: number;
  verificationMailsWindowSeconds: number;
  /** Failed public booking lookups (`lookupBooking`: a reference and an email that do not match) per client address. */
  lookupsPerAddress: number;
  lookupWindowSeconds: number;
  guestBookingsPerAddress: number;
  guestBookingsPerEmail: number;
  guestBookingsWindowSeconds: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An unset or empty variable takes the default. */
const blank = (raw: unknown) => (typeof raw === 'string' && raw.trim() === '' ? undefined : raw);
const number = (fallback: number) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ error: 'must be a non-negative number' })
      .finite('must be a non-negative number')
      .nonnegative('must be a non-negative number')
      .default(fallback),
  );
const text = () => z.preprocess(blank, z.string().optional());
/** Every switch takes the same words, in any case: on/true/1 and off/false/0. */
const SWITCH_WORDS: Record<string, boolean> = { on: true, true: true, '1': true, off: false, false: false, '0': false };
const onOff = (fallback: boolean) =>
  z.preprocess(
    (raw) => {
      const value = blank(raw);
      return typeof value === 'string' ? (SWITCH_WORDS[value.trim().toLowerCase()] ?? value) : value;
    },
    z.boolean({ error: 'must be on, off, true, false, 1 or 0' }).default(fallback),
  );

/** CORS_ORIGINS: the origins allowed to call the API from a browser, each exactly as browsers send it. */
const origins = z
  .string()
  .default('')
  .transform((raw) =>
    raw
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  )
  // A browser sends its origin exactly so: a trailing slash or a path would never match.
  .refine(
    (list) => list.every((origin) => URL.parse(origin)?.origin === origin),
    'must list origins such as https://app.example.com',
  );

/**
 * TRUST_PROXY as Express takes it: a switch word (on/true, off/false), a hop count, or a list of addresses
 * and subnets. Digits are a hop count here, not a switch: `1` trusts the one proxy in front.
 */
const trustProxy = z
  .string()
  .optional()
  .transform((raw): boolean | number | string => {
    const value = raw?.trim() ?? '';
    if (/^\d+$/.test(value)) return Number(value);
    return SWITCH_WORDS[value.toLowerCase()] ?? (value || false);
  });

/** A TCP port (0: any free one). */
const portNumber = (fallback: number) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ error: 'must be a port number (0 to 65535)' })
      .int('must be a port number (0 to 65535)')
      .min(0, 'must be a port number (0 to 65535)')
      .max(65_535, 'must be a port number (0 to 65535)')
      .default(fallback),
  );

/**
 * Every environment variable the server reads, checked at start: a bad value stops it with one line
 * naming the variable. A new setting is one line here (and one in `loadConfig` and docs/operations.md).
 */
const ENV = z.object({
  NODE_ENV: text(),
  DATABASE_URL: text(),
  DATA_DIR: z.preprocess(blank, z.string().default('.data')),
  HOST: text(),
  PORT: portNumber(4000),
  JWT_SECRET: text(),
  ACCESS_TOKEN_MINUTES: number(15),
  REFRESH_TOKEN_DAYS: number(30),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: number(10),
  RATE_LIMIT_LOGIN_PER_ADDRESS: number(100),
  RATE_LIMIT_LOGIN_WINDOW_SECONDS: number(60),
  RATE_LIMIT_SIGNUP_PER_ADDRESS: number(20),
  RATE_LIMIT_SIGNUP_WINDOW_SECONDS: number(3600),
  RATE_LIMIT_MUTATIONS_PER_CLIENT: number(300),
  RATE_LIMIT_MUTATIONS_WINDOW_SECONDS: number(60),
  RATE_LIMIT_UPLOADS_PER_ACCOUNT: number(100),
  RATE_LIMIT_UPLOADS_WINDOW_SECONDS: number(3600),
  RATE_LIMIT_REDELIVERIES_PER_ACCOUNT: number(20),
  RATE_LIMIT_REDELIVERIES_WINDOW_SECONDS: number(3600),
  RATE_LIMIT_VERIFICATION_MAILS_PER_ACCOUNT: number(5),
  RATE_LIMIT_VERIFICATION_MAILS_WINDOW_SECONDS: number(86_400),
  GUEST_ADDRESSES_PER_DAY: number(10),
  RATE_LIMIT_LOOKUPS_PER_ADDRESS: number(20),
  RATE_LIMIT_LOOKUP_WINDOW_SECONDS: number(3600),
  RATE_LIMIT_GUEST_BOOKINGS_PER_ADDRESS: number(20),
  RATE_LIMIT_GUEST_BOOKINGS_PER_EMAIL: number(5),
  RATE_LIMIT_GUEST_BOOKINGS_WINDOW_SECONDS: number(3600),
  ADMIN_EMAIL: text(),
  ADMIN_PASSWORD: text(),
  PUBLIC_URL: z.preprocess(blank, z.url('must be a URL such as https://bookings.example.com').optional()),
  APP_URL: z.preprocess(
    blank,
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://app.example.com' }).optional(),
  ),
  LINK_SECRET: text(),
  FOLLOW_UP_HOURS: number(2),
  SMTP_URL: text(),
  MAIL_FROM: z.preprocess(blank, z.string().default('Bookings <bookings@localhost>')),
  STRIPE_SECRET_KEY: text(),
  STRIPE_WEBHOOK_SECRET: text(),
  STRIPE_API_URL: text(),
  STRIPE_TIMEOUT_MS: number(10_000),
  ZOOM_ACCOUNT_ID: text(),
  ZOOM_CLIENT_ID: text(),
  ZOOM_CLIENT_SECRET: text(),
  ZOOM_API_URL: text(),
  ZOOM_TIMEOUT_MS: number(10_000),
  WHEREBY_API_KEY: text(),
  WHEREBY_API_URL: text(),
  WHEREBY_TIMEOUT_MS: number(WHEREBY_DEFAULTS.timeoutMs),
  GOOGLE_CLIENT_ID: text(),
  GOOGLE_CLIENT_SECRET: text(),
  GOOGLE_API_URL: text(),
  GOOGLE_TIMEOUT_MS: number(10_000),
  CALENDAR_TOKEN_KEY: text(),
  MICROSOFT_CLIENT_ID: text(),
  MICROSOFT_CLIENT_SECRET: text(),
  MICROSOFT_TENANT: z.preprocess(blank, z.string().default(MICROSOFT_DEFAULTS.tenant)),
  MICROSOFT_LOGIN_URL: z.preprocess(
    blank,
    z.url({ protocol: /^https$/, error: 'must be an https URL' }).default(MICROSOFT_DEFAULTS.loginUrl),
  ),
  MICROSOFT_GRAPH_URL: z.preprocess(
    blank,
    z.url({ protocol: /^https$/, error: 'must be an https URL' }).default(MICROSOFT_DEFAULTS.graphUrl),
  ),
  MICROSOFT_TIMEOUT_MS: number(MICROSOFT_DEFAULTS.timeoutMs),
  MICROSOFT_TEAMS: onOff(MICROSOFT_DEFAULTS.teams),
  UPLOADS_DIR: text(),
  S3_BUCKET: text(),
  S3_ENDPOINT: text(),
  S3_REGION: text(),
  AWS_REGION: text(),
  S3_FORCE_PATH_STYLE: onOff(false),
  HOLD_MINUTES: number(15),
  GUEST_CONFIRM_MINUTES: number(30),
  HOLD_LIMIT_BOOKINGS_PER_SERVICE: number(3),
  HOLD_LIMIT_SEATS_PER_SERVICE: number(100),
  HOLD_LIMIT_BOOKINGS: number(10),
  HOLD_LIMIT_SEATS: number(200),
  HOLD_COOLDOWN_MINUTES: number(15),
  PROPOSAL_TTL_HOURS: number(48),
  WAITLIST_OFFER_HOURS: number(24),
  WEBHOOKS_ALLOW_HTTP: onOff(false),
  WEBHOOK_TIMEOUT_MS: number(10_000),
  WEBHOOK_ENCRYPTION_KEY: text(),
  WORKER: onOff(true),
  WORKER_METRICS_PORT: portNumber(9464),
  // Read by the OpenTelemetry SDK itself (src/tracing.ts): checked here, so that a bad value stops the start.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(blank, z.url('must be a URL such as http://collector:4318').optional()),
  OTEL_SERVICE_NAME: text(),
  LOG_LEVEL: z.preprocess(blank, z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional()),
  METRICS_TOKEN: text(),
  TRUST_PROXY: trustProxy,
  MAX_SOCKETS_PER_CLIENT: number(50),
  OPERATION_TIMEOUT_MS: number(20_000),
  STATEMENT_TIMEOUT_MS: number(10_000),
  DB_CONNECT_TIMEOUT_MS: number(5_000),
  SHUTDOWN_TIMEOUT_MS: number(10_000),
  EXPLORER: onOff(true),
  CORS_ORIGINS: origins,
});

type Env = z.infer<typeof ENV>;

/** The name of every environment variable the server reads (.env.example lists each; a test holds them equal). */
export const SETTING_NAMES = Object.keys(ENV.shape);

/** ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET: all three, or none (Zoom off). */
function zoom(e: Env): ZoomSettings | undefined {
  const [accountId, clientId, clientSecret] = [e.ZOOM_ACCOUNT_ID, e.ZOOM_CLIENT_ID, e.ZOOM_CLIENT_SECRET];
  if (!accountId && !clientId && !clientSecret) return undefined;
  if (!accountId || !clientId || !clientSecret)
    throw new ConfigError('ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET must be set together');
  return { accountId, clientId, clientSecret, apiUrl: e.ZOOM_API_URL, timeoutMs: e.ZOOM_TIMEOUT_MS };
}

/** Google's OAuth client; refresh tokens are never stored readable, so a key to seal them is required with it. */
function google(e: Env): GoogleSettings | undefined {
  if (!e.GOOGLE_CLIENT_ID && !e.GOOGLE_CLIENT_SECRET) return undefined;
  if (!e.GOOGLE_CLIENT_ID || !e.GOOGLE_CLIENT_SECRET)
    throw new ConfigError('GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together');
  if (!e.CALENDAR_TOKEN_KEY)
    throw new ConfigError(
      'CALENDAR_TOKEN_KEY must be set with GOOGLE_CLIENT_ID: it seals the Google refresh tokens at rest',
    );
  return {
    clientId: e.GOOGLE_CLIENT_ID,
    clientSecret: e.GOOGLE_CLIENT_SECRET,
    apiUrl: e.GOOGLE_API_URL,
    timeoutMs: e.GOOGLE_TIMEOUT_MS,
    tokenKey: e.CALENDAR_TOKEN_KEY,
  };
}

/** Microsoft's Entra app; its token caches hold refresh tokens, so they are sealed with CALENDAR_TOKEN_KEY as Google's are. */
function microsoft(e: Env): Config['microsoft'] {
  if (!e.MICROSOFT_CLIENT_ID && !e.MICROSOFT_CLIENT_SECRET) return undefined;
  if (!e.MICROSOFT_CLIENT_ID || !e.MICROSOFT_CLIENT_SECRET)
    throw new ConfigError('MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET must be set together');
  if (!e.CALENDAR_TOKEN_KEY)
    throw new ConfigError(
      'CALENDAR_TOKEN_KEY must be set with MICROSOFT_CLIENT_ID: it seals the Microsoft tokens at rest',
    );
  return {
    ...MICROSOFT_DEFAULTS,
    clientId: e.MICROSOFT_CLIENT_ID,
    clientSecret: e.MICROSOFT_CLIENT_SECRET,
    tenant: e.MICROSOFT_TENANT,
    loginUrl: e.MICROSOFT_LOGIN_URL,
    graphUrl: e.MICROSOFT_GRAPH_URL,
    timeoutMs: e.MICROSOFT_TIMEOUT_MS,
    teams: e.MICROSOFT_TEAMS,
    tokenKey: e.CALENDAR_TOKEN_KEY,
  };
}

/** Uploaded images: a folder (UPLOADS_DIR, by default DATA_DIR/uploads) or an S3 bucket (S3_BUCKET). */
function images(e: Env): ImageSettings {
  return {
    uploadsDir: path.resolve(e.UPLOADS_DIR ?? path.join(e.DATA_DIR, 'uploads')),
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION ?? e.AWS_REGION ?? 'us-east-1',
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
        }
      : undefined,
  };
}

/** The limits on attempts per account, address or client, each over its window. */
function rateLimits(e: Env): RateLimitSettings {
  return {
    loginPerAccount: e.RATE_LIMIT_LOGIN_PER_ACCOUNT,
    loginPerAddress: e.RATE_LIMIT_LOGIN_PER_ADDRESS,
    loginWindowSeconds: e.RATE_LIMIT_LOGIN_WINDOW_SECONDS,
    signUpPerAddress: e.RATE_LIMIT_SIGNUP_PER_ADDRESS,
    signUpWindowSeconds: e.RATE_LIMIT_SIGNUP_WINDOW_SECONDS,
    mutationsPerClient: e.RATE_LIMIT_MUTATIONS_PER_CLIENT,
    mutationsWindowSeconds: e.RATE_LIMIT_MUTATIONS_WINDOW_SECONDS,
    uploadsPerAccount: e.RATE_LIMIT_UPLOADS_PER_ACCOUNT,
    uploadsWindowSeconds: e.RATE_LIMIT_UPLOADS_WINDOW_SECONDS,
    redeliveriesPerAccount: e.RATE_LIMIT_REDELIVERIES_PER_ACCOUNT,
    redeliveriesWindowSeconds: e.RATE_LIMIT_REDELIVERIES_WINDOW_SECONDS,
    verificationMailsPerAccount: e.RATE_LIMIT_VERIFICATION_MAILS_PER_ACCOUNT,
    verificationMailsWindowSeconds: e.RATE_LIMIT_VERIFICATION_MAILS_WINDOW_SECONDS,
    lookupsPerAddress: e.RATE_LIMIT_LOOKUPS_PER_ADDRESS,
    lookupWindowSeconds: e.RATE_LIMIT_LOOKUP_WINDOW_SECONDS,
    guestBookingsPerAddress: e.RATE_LIMIT_GUEST_BOOKINGS_PER_ADDRESS,
    guestBookingsPerEmail: e.RATE_LIMIT_GUEST_BOOKINGS_PER_EMAIL,
    guestBookingsWindowSeconds: e.RATE_LIMIT_GUEST_BOOKINGS_WINDOW_SECONDS,
  };
}

/** Card payments through Stripe, on only with a secret key. */
function stripe(e: Env): StripeSettings | undefined {
  if (!e.STRIPE_SECRET_KEY) return undefined;
  return {
    secretKey: e.STRIPE_SECRET_KEY,
    webhookSecret: e.STRIPE_WEBHOOK_SECRET,
    apiUrl: e.STRIPE_API_URL,
    timeoutMs: e.STRIPE_TIMEOUT_MS,
  };
}

/** Whereby rooms, when an API key is set. */
function whereby(e: Env): WherebySettings | undefined {
  const apiKey = e.WHEREBY_API_KEY;
  if (!apiKey) return undefined;
  return { apiKey, apiUrl: e.WHEREBY_API_URL ?? WHEREBY_DEFAULTS.apiUrl, timeoutMs: e.WHEREBY_TIMEOUT_MS };
}

/** The caps on unpaid holds, as whole numbers. */
function holds(e: Env): HoldSettings {
  return {
    bookingsPerService: Math.floor(e.HOLD_LIMIT_BOOKINGS_PER_SERVICE),
    seatsPerService: Math.floor(e.HOLD_LIMIT_SEATS_PER_SERVICE),
    bookings: Math.floor(e.HOLD_LIMIT_BOOKINGS),
    seats: Math.floor(e.HOLD_LIMIT_SEATS),
    cooldownMinutes: e.HOLD_COOLDOWN_MINUTES,
  };
}

/** Outgoing webhooks' settings. */
function webhooks(e: Env): WebhookSettings {
  return { allowHttp: e.WEBHOOKS_ALLOW_HTTP, timeoutMs: e.WEBHOOK_TIMEOUT_MS, encryptionKey: e.WEBHOOK_ENCRYPTION_KEY };
}

/** The key tokens are signed with; without JWT_SECRET, a random one that lives as long as the process. */
function signingKey(e: Env, production: boolean): string {
  if (production && !e.JWT_SECRET)
    throw new ConfigError(
      'JWT_SECRET must be set when NODE_ENV=production (tokens signed with a random key die with the process)',
    );
  return e.JWT_SECRET || randomBytes(32).toString('hex');
}

/** How the process runs and is operated: jobs, logs, metrics, proxies, sockets, timeouts, the explorer, CORS. */
type RunningSettings = Pick<
  Config,
  | 'runWorker'
  | 'workerMetricsPort'
  | 'logLevel'
  | 'metricsToken'
  | 'trustProxy'
  | 'maxSocketsPerClient'
  | 'operationTimeoutMs'
  | 'statementTimeoutMs'
  | 'dbConnectTimeoutMs'
  | 'shutdownTimeoutMs'
  | 'explorer'
  | 'corsOrigins'
>;

function running(e: Env): RunningSettings {
  return {
    runWorker: e.WORKER,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'warn' : 'info'),
    metricsToken: e.METRICS_TOKEN,
    trustProxy: e.TRUST_PROXY,
    maxSocketsPerClient: e.MAX_SOCKETS_PER_CLIENT,
    operationTimeoutMs: e.OPERATION_TIMEOUT_MS,
    statementTimeoutMs: e.STATEMENT_TIMEOUT_MS,
    dbConnectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    explorer: e.EXPLORER,
    corsOrigins: e.CORS_ORIGINS,
  };
}

/** The settings, or a ConfigError naming the first bad variable and its value in one line. */
function parseEnv(env: NodeJS.ProcessEnv): Env {
  const parsed = ENV.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0]);
  throw new ConfigError(`${name} ${issue.message}, got "${env[name]}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(env);
  const production = e.NODE_ENV === 'production';
  const jwtSecret = signingKey(e, production);
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    host: e.HOST,
    port: e.PORT,
    jwtSecret,
    accessTokenMinutes: e.ACCESS_TOKEN_MINUTES,
    refreshTokenDays: e.REFRESH_TOKEN_DAYS,
    rateLimits: rateLimits(e),
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    appUrl: e.APP_URL?.replace(/\/+$/, ''),
    linkSecret: e.LINK_SECRET || createHmac('sha256', jwtSecret).update('booking-links').digest('hex'),
    followUpHours: e.FOLLOW_UP_HOURS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    stripe: stripe(e),
    zoom: zoom(e),
    whereby: whereby(e),
    google: google(e),
    microsoft: microsoft(e),
    holdMinutes: e.HOLD_MINUTES,
    guestConfirmMinutes: e.GUEST_CONFIRM_MINUTES,
    holds: holds(e),
    guestAddressesPerDay: Math.floor(e.GUEST_ADDRESSES_PER_DAY),
    proposalTtlHours: e.PROPOSAL_TTL_HOURS,
    waitlistOfferHours: e.WAITLIST_OFFER_HOURS,
    webhooks: webhooks(e),
    production,
    jwtSecretGenerated: !e.JWT_SECRET,
    ...running(e),
    images: images(e),
  };
}
