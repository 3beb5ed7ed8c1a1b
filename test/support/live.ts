import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Client } from 'graphql-ws';
import { BookingClient, subscribe } from '../../client/index';
import WebSocket from 'ws';
import { type GraphQLResult, serverMetric } from './server';

/** A real graphql-ws client on a server's /graphql. */
export function liveClient(httpUrl: string, token?: string, onClose?: (code: number, reason: string) => void): Client {
  return new BookingClient({ url: httpUrl, token }).socket({
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {}, // a refused connection is what some tests expect; they watch `closed`
    on: onClose
      ? { closed: (event) => onClose((event as { code: number }).code, String((event as { reason: unknown }).reason)) }
      : undefined,
  });
}

/** What graphql-ws gave instead of a result: its errors, or the socket's close. */
function failure<T>(error: unknown): GraphQLResult<T> {
  return {
    errors: Array.isArray(error) ? error : [{ message: String(error), extensions: { code: 'CLOSED' } }],
  } as GraphQLResult<T>;
}

/** The results of one subscription as they come, with a way to wait for the next. */
export class Subscription<T, V = Record<string, unknown>> {
  readonly results: GraphQLResult<T>[] = [];
  private waiters: (() => void)[] = [];
  private readonly dispose: () => void;
  completed = false;

  constructor(client: Client, document: TypedDocumentNode<T, V>, variables: V) {
    this.dispose = subscribe(client, document, variables, {
      next: (result) => this.add(result as GraphQLResult<T>),
      error: (error) => this.add(failure(error)),
      complete: () => {
        this.completed = true;
        this.wake();
      },
    });
  }

  private add(result: GraphQLResult<T>): void {
    this.results.push(result);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once `count` results have arrived, or rejects after `ms`. */
  async waitFor(count: number, ms = 10_000): Promise<GraphQLResult<T>[]> {
    const deadline = Date.now() + ms;
    while (this.results.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} results, got ${JSON.stringify(this.results)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.results;
  }

  stop(): void {
    this.dispose();
  }
}

/** One query or mutation over a socket: its result, or the errors graphql-ws answered (or the socket's close) instead. */
export function overSocket<T, V>(
  client: Client,
  document: TypedDocumentNode<T, V>,
  variables?: V,
): Promise<GraphQLResult<T>> {
  return new Promise((resolve) => {
    let last: GraphQLResult<T> = {};
    subscribe(client, document, (variables ?? {}) as V, {
      next: (result) => {
        last = result as GraphQLResult<T>;
      },
      error: (error) => resolve(failure(error)),
      complete: () => resolve(last),
    });
  });
}

/** Polls `check` until it holds, or fails after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts `count` subscriptions and waits until the server's hub holds them: a change committed after this is heard. */
export async function subscribed<T>(server: { url: string }, count: number, start: () => T): Promise<T> {
  const before = await serverMetric(server.url, 'live_subscriptions_opened_total');
  const started = start();
  await eventually(async () => (await serverMetric(server.url, 'live_subscriptions_opened_total')) >= before + count);
  return started;
}
