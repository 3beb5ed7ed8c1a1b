import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** An incoming X-Request-Id is kept when it is this short and plain (a proxy's or a client's id); any other is replaced. */
const ACCEPTED = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

const current = new AsyncLocalStorage<string>();

/** The id of a request: the one it came with when acceptable, else a new one. */
export function requestIdOf(incoming: unknown): string {
  return typeof incoming === 'string' && ACCEPTED.test(incoming) ? incoming : randomUUID();
}

/** Runs `work` (and everything it starts) as part of the request `id`. */
export function withRequestId<T>(id: string, work: () => T): T {
  return current.run(id, work);
}

/** The id of the request this code runs for, if any: jobs queued while serving it carry it into their logs. */
export function currentRequestId(): string | undefined {
  return current.getStore();
}
