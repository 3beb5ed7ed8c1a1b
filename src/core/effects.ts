import type { EntityManager } from '@mikro-orm/postgresql';
import type { Job } from '../jobs';
import type { AuditRow } from './audit';
import { addJobCall, auditInsert, noticeCall, outboxInsert, type QueuedJob, removeJobCall } from './effects.sql';
import { currentRequestId } from './request-id';
import { type Fragment, joined, raw, sql } from './sql';

/** Pieces of one SQL statement, `with <ctes> select <calls>`, each carrying its values. */
export interface StatementParts {
  ctes: Fragment[];
  calls: Fragment[];
}

/** Joins statement parts into one statement; `from` names what the select reads from, if anything. */
export function statement(all: StatementParts[], from = ''): Fragment {
  const ctes = all.flatMap((part) => part.ctes);
  const calls = all.flatMap((part) => part.calls);
  return sql`${raw(ctes.length ? 'with ' : '')}${joined(ctes)} select ${calls.length ? joined(calls) : raw('1')}${raw(from ? ` from ${from}` : '')}`;
}

/**
 * One thing a use case leaves behind besides its own rows. Every kind is a value of this one union, kept
 * in one list, so that nothing that moves effects around (a savepoint that stood, the statement that
 * writes them) can forget a kind: the compiler checks that `written` handles each.
 */
export type Effect =
  | { kind: 'audit'; row: AuditRow }
  | { kind: 'notice'; channel: string; payload: string }
  | { kind: 'job'; job: Job }
  | { kind: 'removeJob'; jobKey: string }
  /** Rows a listener writes with SQL of its own; `name` (unique in the statement) is given when it is written. */
  | { kind: 'rows'; build: (name: string) => StatementParts }
  /** Runs in this process once the transaction committed (metrics); never written. */
  | { kind: 'afterCommit'; run: () => void };

const DEFAULT_MAX_ATTEMPTS = 12;

/** A job queued while serving a request names it (`requestId`), so that the job's log lines lead back to the request's. */
function withRequest(payload: object): object {
  const requestId = currentRequestId();
  return requestId ? { ...payload, requestId } : payload;
}

/** A job as the queue takes it: its payload with the request that queued it, its attempts defaulted. */
function queued({ task, payload, runAt, maxAttempts, queueName }: Job): QueuedJob {
  return {
    task,
    payload: JSON.stringify(withRequest(payload)),
    runAt: runAt?.toISOString() ?? null,
    maxAttempts: maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    queueName: queueName ?? null,
  };
}

/** What one effect adds to the statement that writes them all; `index` makes its names unique there. */
function written(effect: Exclude<Effect, { kind: 'audit' | 'afterCommit' | 'job' }>, index: number): StatementParts {
  const name = `fx_${index}`;
  switch (effect.kind) {
    case 'notice':
      return { ctes: [], calls: [noticeCall(name, effect.channel, effect.payload)] };
    case 'removeJob':
      return { ctes: [], calls: [removeJobCall(name, effect.jobKey)] };
    case 'rows':
      return effect.build(name);
    default: {
      const unknown: never = effect;
      throw new Error(`an effect of unknown kind: ${JSON.stringify(unknown)}`);
    }
  }
}

/** A job with a key, added to graphile-worker's queue by the statement itself: a later change may replace or remove it by its key. */
function keyedJob(job: Job, jobKey: string, index: number): StatementParts {
  return { ctes: [], calls: [addJobCall(`fx_${index}`, { ...queued(job), jobKey })] };
}

/** The audit rows of a change, as one insert (nothing without any). */
function auditRows(rows: AuditRow[]): StatementParts {
  if (!rows.length) return { ctes: [], calls: [] };
  const { cte, call } = auditInsert(rows);
  return { ctes: [cte], calls: [call] };
}

/**
 * The jobs of a change without a key, as one insert into the outbox: no later change can replace or
 * remove them, so they may reach graphile-worker's queue a moment after commit, in the job runner's batch.
 */
function outboxRows(jobs: Job[]): StatementParts {
  if (!jobs.length) return { ctes: [], calls: [] };
  const { cte, calls } = outboxInsert(jobs.map(queued));
  return { ctes: [cte], calls };
}

/**
 * What a use case leaves behind besides its own rows (audit entries, NOTIFYs, jobs, listeners' rows),
 * collected while it runs (listeners only append here, they make no round trip) and written in ONE
 * statement just before commit, so they exist exactly when the change does. After-commit calls run in
 * this process once it committed.
 */
export class Effects {
  private readonly list: Effect[] = [];

  add(effect: Effect): void {
    this.list.push(effect);
  }

  audit(row: AuditRow): void {
    this.add({ kind: 'audit', row });
  }

  notify(channel: string, payload: object): void {
    this.add({ kind: 'notice', channel, payload: JSON.stringify(payload) });
  }

  addJob(job: Job): void {
    this.add({ kind: 'job', job });
  }

  removeJob(jobKey: string): void {
    this.add({ kind: 'removeJob', jobKey });
  }

  /**
   * Rows a listener writes with SQL of its own (e.g. an insert ... select and jobs for what it inserted),
   * carried in the same statement as every other effect; `name` is unique in that statement, for its CTEs.
   */
  writeRows(build: (name: string) => StatementParts): void {
    this.add({ kind: 'rows', build });
  }

  afterCommit(run: () => void): void {
    this.add({ kind: 'afterCommit', run });
  }

  /** Takes over everything a savepoint's work collected, once that work stood, in the order it was asked for. */
  absorb(other: Effects): void {
    this.list.push(...other.list.splice(0));
  }

  /** The effects collected so far, of every kind (for tests and for `absorb`). */
  get all(): readonly Effect[] {
    return this.list;
  }

  /** Whether anything is left to write (after-commit calls are not written). */
  get empty(): boolean {
    return this.list.every((effect) => effect.kind === 'afterCommit');
  }

  /**
   * What writes everything collected (audit rows in one insert, jobs without a key in another, the rest in
   * the order asked for), as parts
   * of one statement: CTEs and select-list calls, each carrying its values. Taking the parts removes what
   * they write from the collection (after-commit calls stay), so that a use case that writes its rows in
   * one statement can carry its effects in the same one.
   */
  take(): StatementParts {
    const parts: StatementParts = { ctes: [], calls: [] };
    const audits: AuditRow[] = [];
    const outboxed: Job[] = [];
    const rest: StatementParts[] = [];
    const kept: Effect[] = [];
    for (const effect of this.list) {
      if (effect.kind === 'afterCommit') kept.push(effect);
      else if (effect.kind === 'audit') audits.push(effect.row);
      else if (effect.kind !== 'job') rest.push(written(effect, rest.length));
      else if (effect.job.jobKey) rest.push(keyedJob(effect.job, effect.job.jobKey, rest.length));
      else outboxed.push(effect.job);
    }
    this.list.splice(0, this.list.length, ...kept);
    for (const part of [auditRows(audits), outboxRows(outboxed), ...rest]) {
      parts.ctes.push(...part.ctes);
      parts.calls.push(...part.calls);
    }
    return parts;
  }

  /** Writes what is collected, in one statement. */
  async write(em: EntityManager): Promise<void> {
    if (this.empty) return;
    const { text, values } = statement([this.take()]);
    await em.execute(text, [...values]);
  }

  runAfterCommit(): void {
    for (const effect of this.list) if (effect.kind === 'afterCommit') effect.run();
  }
}
