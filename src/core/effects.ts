import type { EntityManager } from '@mikro-orm/postgresql';
import type { Job } from '../jobs';
import { currentRequestId } from './request-id';

/** An audit row of a booking change (the `audit_entry` table). */
export interface AuditRow {
  bookingId: number;
  action: string;
  actorId: number | null;
  before: object | null;
  after: object;
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  at: Date;
}

type JobOp = { add: Job } | { remove: string };

/** Pieces of one SQL statement: `with <ctes> select <calls>`, parameters in the order they appear. */
export interface StatementParts {
  ctes: string[];
  cteParams: unknown[];
  calls: string[];
  callParams: unknown[];
}

/** Joins statement parts into one statement; `from` names what the select reads from, if anything. */
export function statement(all: StatementParts[], from = ''): { sql: string; params: unknown[] } {
  const ctes = all.flatMap((part) => part.ctes);
  const calls = all.flatMap((part) => part.calls);
  return {
    sql: `${ctes.length ? `with ${ctes.join(', ')} ` : ''}select ${calls.join(', ') || '1'}${from ? ` from ${from}` : ''}`,
    params: [...all.flatMap((part) => part.cteParams), ...all.flatMap((part) => part.callParams)],
  };
}

const DEFAULT_MAX_ATTEMPTS = 12;

/** A job queued while serving a request names it (`requestId`), so that the job's log lines lead back to the request's. */
function withRequest(payload: object): object {
  const requestId = currentRequestId();
  return requestId ? { ...payload, requestId } : payload;
}

/**
 * What a use case leaves behind besides its own rows: audit entries, NOTIFYs and jobs, collected while it
 * runs (listeners only append here, they make no round trip) and written in ONE statement just before
 * commit, so they exist exactly when the change does. `afterCommit` runs in this process once it committed.
 */
export class Effects {
  private readonly audits: AuditRow[] = [];
  private readonly notices: { channel: string; payload: string }[] = [];
  private readonly jobOps: JobOp[] = [];
  private readonly committed: (() => void)[] = [];
  private readonly rows: StatementParts[] = [];

  audit(row: AuditRow): void {
    this.audits.push(row);
  }

  notify(channel: string, payload: object): void {
    this.notices.push({ channel, payload: JSON.stringify(payload) });
  }

  addJob(job: Job): void {
    this.jobOps.push({ add: job });
  }

  removeJob(jobKey: string): void {
    this.jobOps.push({ remove: jobKey });
  }

  /**
   * Rows a listener writes with SQL of its own (e.g. an insert ... select and jobs for what it inserted),
   * carried in the same statement as every other effect; `name` is unique in that statement, for its CTEs.
   */
  writeRows(build: (name: string) => StatementParts): void {
    this.rows.push(build(`fx_rows_${this.rows.length}`));
  }

  afterCommit(run: () => void): void {
    this.committed.push(run);
  }

  /** Takes over what a savepoint's work collected, once that work stood. */
  absorb(other: Effects): void {
    this.audits.push(...other.audits);
    this.notices.push(...other.notices);
    this.jobOps.push(...other.jobOps);
    this.committed.push(...other.committed);
  }

  get empty(): boolean {
    return this.audits.length + this.notices.length + this.jobOps.length + this.rows.length === 0;
  }

  /**
   * What writes everything collected (in the order it was asked for), as parts of one statement: CTEs
   * and select-list calls, each with its parameters. Taking the parts empties the collection, so that a
   * use case that writes its rows in one statement can carry its effects in the same one.
   */
  take(): StatementParts {
    const parts: StatementParts = { ctes: [], cteParams: [], calls: [], callParams: [] };
    if (this.audits.length > 0) {
      const rows = this.audits.map((row) => {
        parts.cteParams.push(
          row.bookingId,
          row.action,
          row.actorId,
          JSON.stringify(row.before),
          JSON.stringify(row.after),
          row.reason,
          row.ip,
          row.userAgent,
          row.at.toISOString(),
        );
        return '(?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?::timestamptz)';
      });
      parts.ctes.push(
        `audit as (insert into audit_entry (booking_id, action, actor_id, before, after, reason, ip, user_agent, created_at) values ${rows.join(', ')} returning 1)`,
      );
      parts.calls.push('(select count(*) from audit) as fx_audit');
    }
    for (const { channel, payload } of this.notices) {
      parts.callParams.push(channel, payload);
      parts.calls.push(`pg_notify(?, ?) as fx_${parts.calls.length}`);
    }
    for (const op of this.jobOps) {
      if ('remove' in op) {
        parts.callParams.push(op.remove);
        parts.calls.push(`(graphile_worker.remove_job(?)).id as fx_${parts.calls.length}`);
        continue;
      }
      const { task, payload, runAt, jobKey, maxAttempts } = op.add;
      parts.callParams.push(
        task,
        JSON.stringify(withRequest(payload)),
        runAt?.toISOString() ?? null,
        jobKey ?? null,
        maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      );
      parts.calls.push(
        `(graphile_worker.add_job(?, ?::json, run_at => coalesce(?::timestamptz, now()), job_key => ?, max_attempts => ?)).id as fx_${parts.calls.length}`,
      );
    }
    for (const rows of this.rows) {
      parts.ctes.push(...rows.ctes);
      parts.cteParams.push(...rows.cteParams);
      parts.calls.push(...rows.calls);
      parts.callParams.push(...rows.callParams);
    }
    this.audits.length = 0;
    this.notices.length = 0;
    this.jobOps.length = 0;
    this.rows.length = 0;
    return parts;
  }

  /** Writes what is collected, in one statement. */
  async write(em: EntityManager): Promise<void> {
    if (this.empty) return;
    const { sql, params } = statement([this.take()]);
    await em.execute(sql, params);
  }

  runAfterCommit(): void {
    for (const run of this.committed) run();
  }
}
