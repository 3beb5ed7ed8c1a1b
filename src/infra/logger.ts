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

/** Bytes of log lines gathered before one write (pino's advice for asynchronous logging). */
const BUFFER_BYTES = 4096;
/** The longest a line waits in that buffer when the server is quiet. */
const FLUSH_MS = 100;
/** pino's number for `warn`: such lines and worse are written at once. */
const WARN = 40;

/**
 * The process's logger: errors logged under `err` go through errorForLog. Lines go to stdout
 * asynchronously, gathered up to 4 KB a write: an access log line per request was a write of its own, about
 * 2% of the server's CPU per booking. A line waits at most about 100 ms; a warning or an error is written at
 * once (or just after a write under way), and pino writes what is left when the process exits. A process
 * killed outright (SIGKILL, a power cut) loses at most its last 100 ms of info lines.
 */
export function createLogger(level: string): Logger {
  const destination = pino.destination({ sync: false, minLength: BUFFER_BYTES });
  /** Bytes handed to the destination and not written yet. */
  let unwritten = 0;
  let flushing: NodeJS.Timeout | undefined;
  const flushSoon = () => {
    if (flushing || unwritten === 0) return;
    flushing = setTimeout(() => {
      flushing = undefined;
      destination.flush();
    }, FLUSH_MS).unref();
  };
  destination.on('write', (bytes: number) => {
    unwritten -= bytes;
  });
  // A flush asked for while a write was under way writes nothing: the lines that came meanwhile are left
  // when that write ends, and wait for the next flush.
  destination.on('drain', flushSoon);
  const counted = {
    write(line: string) {
      unwritten += Buffer.byteLength(line);
      destination.write(line);
      flushSoon();
    },
  };
  return pino(
    {
      level,
      serializers: { err: errorForLog },
      hooks: {
        logMethod(args, method, lineLevel) {
          method.apply(this, args);
          if (lineLevel >= WARN) destination.flush();
        },
      },
    },
    counted,
  );
}
