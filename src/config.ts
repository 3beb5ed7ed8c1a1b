import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { StripeSettings } from './payments/stripe-gateway';

/** Settings from the environment (CONTRACT.md, "Settings"). */
export interface Config {
  databaseUrl?: string;
  dataDir: string;
  port: number;
  jwtSecret: string;
  tokenTtlHours: number;
  adminEmail?: string;
  adminPassword?: string;
  publicUrl: string;
  smtpUrl?: string;
  mailFrom: string;
  /** Card payments are on only with a Stripe secret key; STRIPE_API_URL points the client at another host (tests). */
  stripe?: StripeSettings;
  /** How long seats stay held for a payment, a proposal waits, and a waitlist offer stands. */
  holdMinutes: number;
  proposalTtlHours: number;
  waitlistOfferHours: number;
  /** Whether this process also runs the background jobs (WORKER=off leaves them to `npm run worker`). */
  runWorker: boolean;
  logLevel: string;
  /** The GraphQL explorer at GET /graphql and introspection (EXPLORER=off turns both off). */
  explorer: boolean;
  /** Origins (scheme://host[:port]) whose pages may call the API; empty: no cross-origin access. */
  corsOrigins: string[];
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

function origins(env: NodeJS.ProcessEnv, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of list) {
    // A browser sends its origin exactly so: a trailing slash or a path would never match.
    if (URL.parse(origin)?.origin !== origin) throw new Error(`${name} must list origins such as https://app.example.com, got "${origin}"`);
  }
  return list;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = positiveNumber(env, 'PORT', 4000);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    port,
    // Without JWT_SECRET tokens are signed with a key that lives as long as the process.
    jwtSecret: env.JWT_SECRET || randomBytes(32).toString('hex'),
    tokenTtlHours: positiveNumber(env, 'TOKEN_TTL_HOURS', 24 * 7),
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    publicUrl: env.PUBLIC_URL || `http://localhost:${port}`,
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
    holdMinutes: positiveNumber(env, 'HOLD_MINUTES', 15),
    proposalTtlHours: positiveNumber(env, 'PROPOSAL_TTL_HOURS', 48),
    waitlistOfferHours: positiveNumber(env, 'WAITLIST_OFFER_HOURS', 24),
    runWorker: env.WORKER !== 'off',
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    explorer: env.EXPLORER !== 'off',
    corsOrigins: origins(env, 'CORS_ORIGINS'),
  };
}
