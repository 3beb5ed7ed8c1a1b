import type { Logger } from 'pino';

export type ShutdownStep = [name: string, stop: () => unknown];

/** Resolves with whether `work` settled within `ms`; a failure is logged and counts as not done. */
async function settledWithin(work: Promise<unknown>, ms: number, name: string, log: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = work.then(
    () => true,
    (error) => {
      log.warn({ err: error, step: name }, 'shutdown step failed');
      return false;
    },
  );
  try {
    const finished = await Promise.race([done, timeout]);
    if (!finished) log.warn({ step: name }, 'shutdown step did not finish in time; left behind');
    return finished;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs shutdown steps in order, each given what is left of `timeoutMs`, so that stopping ends in time
 * even when a step hangs on a database that is gone. Returns the steps that failed or were left running.
 */
export async function stopInOrder(steps: ShutdownStep[], timeoutMs: number, log: Logger): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const unfinished: string[] = [];
  for (const [name, stop] of steps) {
    const finished = await settledWithin(Promise.resolve().then(stop), Math.max(deadline - Date.now(), 0), name, log);
    if (!finished) unfinished.push(name);
  }
  return unfinished;
}

/** The error a stop ends with when some step did not finish. */
export function assertStopped(unfinished: string[]): void {
  if (unfinished.length) throw new Error(`Shutdown did not finish: ${unfinished.join(', ')}`);
}
