import pino, { type Logger } from 'pino';

/** Longest message a log line keeps of an error. */
const MAX_MESSAGE = 500;
const STACK_FRAMES = 8;

const truncate = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

/** A PostgreSQL error (from pg, or MikroORM's copy of one): it carries a SQLSTATE and a severity. */
function isDatabaseError(error: Error): error is Error & { code: string; table?: string; constraint?: string } {
  return typeof (error as { code?: unknown }).code === 'string' && 'severity' in error;
}

/**
 * How an error is logged (pino's `err`): its class, code and a bounded message, and where it was thrown.
 * A database error keeps PostgreSQL's own sentence, table and constraint but not the statement, whose
 * values are user data, nor its detail ("Key (email)=(…)"); no line repeats the message via the stack.
 */
export function errorForLog(value: unknown): Record<string, unknown> {
  if (!(value instanceof Error)) return { type: typeof value, message: truncate(String(value), MAX_MESSAGE) };
  const stack = (value.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, STACK_FRAMES)
    .map((line) => line.trim());
  if (isDatabaseError(value)) {
    // knex prefixes PostgreSQL's sentence with the statement and its values: "<sql> - <sentence>".
    const cut = value.message.lastIndexOf(' - ');
    const sentence = cut >= 0 ? value.message.slice(cut + 3) : value.message;
    return {
      type: value.name,
      code: value.code,
      message: truncate(sentence, MAX_MESSAGE),
      table: value.table,
      constraint: value.constraint,
      stack,
    };
  }
  const code = (value as { code?: unknown }).code;
  return {
    type: value.name,
    code: typeof code === 'string' ? code : undefined,
    message: truncate(value.message, MAX_MESSAGE),
    stack,
  };
}

/**
 * The process's logger: errors logged under `err` go through errorForLog. Lines are written to stdout
 * asynchronously (a line logged while a write is under way joins the next one), so that an access log
 * line per request costs no blocking write; pino writes what is left when the process exits.
 */
export function createLogger(level: string): Logger {
  return pino({ level, serializers: { err: errorForLog } }, pino.destination({ sync: false }));
}
