import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { GoogleSettings } from './calendars/google-client';
import type { ImageSettings } from './images/image-storage';
import type { StripeSettings } from './payments/stripe-gateway';
import type { WebhookSettings } from './webhooks/webhook-sender';
import type { ZoomSettings } from './calendars/zoom-client';

/** Settings from the environment (CONTRACT.md, "Settings"). */
export interface Config {
  databaseUrl?: string;
  dataDir: string;
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
  /** How long seats stay held for a payment, a proposal waits, and a waitlist offer stands. */
  holdMinutes: number;
  proposalTtlHours: number;
  waitlistOfferHours: number;
  /** Outgoing webhooks: plain http and private addresses (development), the time one delivery may take, the key that seals endpoint secrets. */
  webhooks: WebhookSettings;
  /** Google Calendar is on only with GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, and then needs CALENDAR_TOKEN_KEY; GOOGLE_API_URL points every Google call at another host (tests). */
  google?: GoogleSettings;
  /** Whether this process also runs the background jobs (WORKER=off leaves them to `npm run worker`). */
  runWorker: boolean;
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
  /** Failed `logIn`s (and `changePassword`s) per account, and per client address, in one window. */
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
}
/** A setting that makes starting pointless; main prints its message alone. */
export class ConfigError extends Error {}

/** ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET: all three, or none (Zoom off). */
function zoom(env: NodeJS.ProcessEnv): ZoomSettings | undefined {
  const [accountId, clientId, clientSecret] = [env.ZOOM_ACCOUNT_ID, env.ZOOM_CLIENT_ID, env.ZOOM_CLIENT_SECRET];
  if (!accountId && !clientId && !clientSecret) return undefined;
  if (!accountId || !clientId || !clientSecret) throw new ConfigError('ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET must be set together');
  return { accountId, clientId, clientSecret, apiUrl: env.ZOOM_API_URL || undefined, timeoutMs: positiveNumber(env, 'ZOOM_TIMEOUT_MS', 10_000) };
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/** TRUST_PROXY as Express takes it: true/false, a hop count, or a list of addresses and subnets. */
function trustProxy(raw: string | undefined): boolean | number | string {
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

/** CORS_ORIGINS: the origins allowed to call the API from a browser, each exactly as browsers send it. */
function origins(env: NodeJS.ProcessEnv, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of list) {
    // A browser sends its origin exactly so: a trailing slash or a path would never match.
    if (URL.parse(origin)?.origin !== origin) throw new ConfigError(`${name} must list origins such as https://app.example.com, got "${origin}"`);
  }
  return list;
}

/** Google's OAuth client; refresh tokens are never stored readable, so a key to seal them is required with it. */
function google(env: NodeJS.ProcessEnv): GoogleSettings | undefined {
  if (!env.GOOGLE_CLIENT_ID && !env.GOOGLE_CLIENT_SECRET) return undefined;
  if (!env.GOOGLE_CLIENT_ID || !env.GOOGLE_CLIENT_SECRET) throw new ConfigError('GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together');
  if (!env.CALENDAR_TOKEN_KEY) throw new ConfigError('CALENDAR_TOKEN_KEY must be set with GOOGLE_CLIENT_ID: it seals the Google refresh tokens at rest');
  return {
    clientId: env.GOOGLE_CLIENT_ID,
    clientSecret: env.GOOGLE_CLIENT_SECRET,
    apiUrl: env.GOOGLE_API_URL || undefined,
    timeoutMs: positiveNumber(env, 'GOOGLE_TIMEOUT_MS', 10_000),
    tokenKey: env.CALENDAR_TOKEN_KEY,
  };
}

/** APP_URL: an http(s) base URL, kept without its trailing slash so that paths join to it. */
function appUrl(raw: string): string {
  const url = URL.parse(raw);
  if (!url || !['http:', 'https:'].includes(url.protocol)) throw new ConfigError(`APP_URL must be an http(s) URL such as https://app.example.com, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = positiveNumber(env, 'PORT', 4000);
  const production = env.NODE_ENV === 'production';
  if (production && !env.JWT_SECRET) throw new ConfigError('JWT_SECRET must be set when NODE_ENV=production (tokens signed with a random key die with the process)');
  // Without JWT_SECRET tokens are signed with a key that lives as long as the process.
  const jwtSecret = env.JWT_SECRET || randomBytes(32).toString('hex');
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    port,
    jwtSecret,
    accessTokenMinutes: positiveNumber(env, 'ACCESS_TOKEN_MINUTES', 15),
    refreshTokenDays: positiveNumber(env, 'REFRESH_TOKEN_DAYS', 30),
    rateLimits: {
      loginPerAccount: positiveNumber(env, 'RATE_LIMIT_LOGIN_PER_ACCOUNT', 10),
      loginPerAddress: positiveNumber(env, 'RATE_LIMIT_LOGIN_PER_ADDRESS', 100),
      loginWindowSeconds: positiveNumber(env, 'RATE_LIMIT_LOGIN_WINDOW_SECONDS', 60),
      signUpPerAddress: positiveNumber(env, 'RATE_LIMIT_SIGNUP_PER_ADDRESS', 20),
      signUpWindowSeconds: positiveNumber(env, 'RATE_LIMIT_SIGNUP_WINDOW_SECONDS', 3600),
      mutationsPerClient: positiveNumber(env, 'RATE_LIMIT_MUTATIONS_PER_CLIENT', 300),
      mutationsWindowSeconds: positiveNumber(env, 'RATE_LIMIT_MUTATIONS_WINDOW_SECONDS', 60),
      uploadsPerAccount: positiveNumber(env, 'RATE_LIMIT_UPLOADS_PER_ACCOUNT', 100),
      uploadsWindowSeconds: positiveNumber(env, 'RATE_LIMIT_UPLOADS_WINDOW_SECONDS', 3600),
    },
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    publicUrl: env.PUBLIC_URL || `http://localhost:${port}`,
    appUrl: env.APP_URL ? appUrl(env.APP_URL) : undefined,
    linkSecret: env.LINK_SECRET || createHmac('sha256', jwtSecret).update('booking-links').digest('hex'),
    followUpHours: positiveNumber(env, 'FOLLOW_UP_HOURS', 2),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || 'Bookings <bookings@localhost>',
    stripe: env.STRIPE_SECRET_KEY
      ? {
          secretKey: env.STRIPE_SECRET_KEY,
          webhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
          apiUrl: env.STRIPE_API_URL || undefined,
          timeoutMs: positiveNumber(env, 'STRIPE_TIMEOUT_MS', 10_000),
        }
      : undefined,
    zoom: zoom(env),
    holdMinutes: positiveNumber(env, 'HOLD_MINUTES', 15),
    proposalTtlHours: positiveNumber(env, 'PROPOSAL_TTL_HOURS', 48),
    waitlistOfferHours: positiveNumber(env, 'WAITLIST_OFFER_HOURS', 24),
    webhooks: {
      allowHttp: env.WEBHOOKS_ALLOW_HTTP === '1',
      timeoutMs: positiveNumber(env, 'WEBHOOK_TIMEOUT_MS', 10_000),
      encryptionKey: env.WEBHOOK_ENCRYPTION_KEY || undefined,
    },
    google: google(env),
    runWorker: env.WORKER !== 'off',
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    production,
    jwtSecretGenerated: !env.JWT_SECRET,
    metricsToken: env.METRICS_TOKEN || undefined,
    trustProxy: trustProxy(env.TRUST_PROXY),
    maxSocketsPerClient: positiveNumber(env, 'MAX_SOCKETS_PER_CLIENT', 50),
    operationTimeoutMs: positiveNumber(env, 'OPERATION_TIMEOUT_MS', 20_000),
    statementTimeoutMs: positiveNumber(env, 'STATEMENT_TIMEOUT_MS', 10_000),
    dbConnectTimeoutMs: positiveNumber(env, 'DB_CONNECT_TIMEOUT_MS', 5_000),
    shutdownTimeoutMs: positiveNumber(env, 'SHUTDOWN_TIMEOUT_MS', 10_000),
    explorer: env.EXPLORER !== 'off',
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    images: {
      uploadsDir: path.resolve(env.UPLOADS_DIR || path.join(env.DATA_DIR || '.data', 'uploads')),
      s3: env.S3_BUCKET
        ? {
            bucket: env.S3_BUCKET,
            endpoint: env.S3_ENDPOINT || undefined,
            region: env.S3_REGION || env.AWS_REGION || 'us-east-1',
            forcePathStyle: env.S3_FORCE_PATH_STYLE === '1' || env.S3_FORCE_PATH_STYLE === 'true',
          }
        : undefined,
    },
  };
}
