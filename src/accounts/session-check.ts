import type { EntityManager } from '@mikro-orm/postgresql';
import { Counter } from 'prom-client';
import type { Clock } from '../core/clock';
import { metrics } from '../infra/metrics';
import type { Role } from './role';
import { liveSession } from './session.sql';
import { run } from '../core/sql';

/** The channel on which PostgreSQL announces, by account id, a session or account change (migration 20261201090000). */
export const SESSION_CHANNEL = 'session_changed';

/** How long a check is trusted without a notice; notices make it exact, this bounds a notice lost unseen. */
const TRUSTED_MS = 60_000;
const MAX_ENTRIES = 20_000;

const noticesHeard = new Counter({
  name: 'session_notices_total',
  help: 'Session and account change notices this process heard (each drops its checks of one account)',
  registers: [metrics],
});

interface Checked {
  userId: number;
  role: Role;
  /** The session's own end, and the end of this check's trust, in ms. */
  sessionEnds: number;
  trustedUntil: number;
}

/** Told when an account's sessions must be checked again: one account, or every one (notices may have been missed). */
export type SessionWatcher = (userId: number | 'all') => void;

/**
 * The session check of every request and socket operation, kept in memory per process. A check is
 * trusted only while this process listens for `session_changed` (PostgreSQL NOTIFY on the LISTEN
 * connection every process keeps): a notice drops its account's checks here and tells the sockets,
 * so a revocation, deactivation or role change made anywhere is seen by every process the moment it
 * commits; a change made by this process is applied here at once. Without the LISTEN connection
 * every check is a query.
 */
export class SessionCheck {
  private readonly checked = new Map<number, Checked>();
  private readonly watchers = new Set<SessionWatcher>();
  private listening = false;
  /** Counts notices, so that a check that was in flight when one arrived is not kept. */
  private generation = 0;

  constructor(private readonly clock: Clock) {}

  /** The role of the live session `sessionId` of `userId`, or undefined when it ended or the account cannot sign in. */
  async role(em: EntityManager, sessionId: number, userId: number): Promise<Role | undefined> {
    const now = this.clock.now().getTime();
    const known = this.checked.get(sessionId);
    if (known && known.userId === userId && known.sessionEnds > now && known.trustedUntil > now) return known.role;
    const generation = this.generation;
    const [row] = await run(em, liveSession(sessionId, userId, new Date(now)));
    this.checked.delete(sessionId);
    if (!row) return undefined;
    if (this.listening && generation === this.generation) {
      this.checked.set(sessionId, {
        userId,
        role: row.role,
        sessionEnds: new Date(row.expires_at).getTime(),
        trustedUntil: now + TRUSTED_MS,
      });
      if (this.checked.size > MAX_ENTRIES) this.checked.delete(this.checked.keys().next().value!);
    }
    return row.role;
  }

  /** A session or account of `userId` changed (a notice, or a change this process just committed). */
  changed(userId: number): void {
    this.generation += 1;
    for (const [sessionId, entry] of this.checked) if (entry.userId === userId) this.checked.delete(sessionId);
    for (const watch of this.watchers) watch(userId);
  }

  /** A notice heard on the LISTEN connection. */
  heard(payload: string): void {
    noticesHeard.inc();
    const userId = Number(payload);
    if (Number.isSafeInteger(userId)) this.changed(userId);
  }

  /** Whether notices are heard: from (re)connecting, when whatever came while away is unknown, or not. */
  setListening(listening: boolean): void {
    this.listening = listening;
    this.generation += 1;
    this.checked.clear();
    if (listening) for (const watch of this.watchers) watch('all');
  }

  watch(watcher: SessionWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }
}
