import type { TimedJob } from '../jobs';
import type { TxContext } from './context';

/**
 * An expiry job can run before its time by the server's clock (after a clock change): it is then queued
 * again for its time and `true` says there is nothing to do yet.
 */
export function requeuedIfEarly(tx: TxContext, job: TimedJob): boolean {
  if (job.runAt <= tx.clock.now()) return false;
  tx.effects.addJob(job);
  return true;
}
