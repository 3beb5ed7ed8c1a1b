import { randomBytes } from 'node:crypto';
import path from 'node:path';

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
  /** Whether this process also runs the background jobs (WORKER=off leaves them to `npm run worker`). */
  runWorker: boolean;
  logLevel: string;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
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
    runWorker: env.WORKER !== 'off',
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'warn' : 'info'),
  };
}
