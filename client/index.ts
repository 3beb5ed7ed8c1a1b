/**
 * A small typed client of the booking API for integrators: queries and mutations over fetch, subscriptions
 * over graphql-ws. Pass it typed documents (TypedDocumentNode: `booking-calendar-client/operations` holds
 * one per operation of the API, made by `npm run codegen`) and the answers and variables are typed; an
 * operation's variables are required exactly when it has a required one. Plain TypeScript that Node runs
 * as it is (no parameter properties, no enums, type-only imports marked), published built for ESM and CommonJS.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';

/** One error of an answer: `extensions.code` is stable (UNAUTHENTICATED, BAD_USER_INPUT with `field`, …). */
export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLError[];
}

export interface BookingClientOptions {
  /** The server's GraphQL endpoint, e.g. https://bookings.example.com/graphql. */
  url: string;
  /** An access token from signUp/logIn, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Headers sent with every HTTP request, e.g. an `Idempotency-Key`. */
  headers?: Record<string, string>;
}

/**
 * The variables argument of an operation: required when the operation has a required variable, optional
 * when it has none or only optional ones; an unknown variable does not compile.
 */
export type VariablesArgument<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

export class BookingClient {
  private readonly options: BookingClientOptions;

  constructor(options: BookingClientOptions) {
    this.options = options;
  }

  /** The same client acting as another account (or anonymous, without a token). */
  as(token: string | undefined): BookingClient {
    return new BookingClient({ ...this.options, token });
  }

  /** Runs a query or mutation over HTTP POST; GraphQL errors come back in `errors`, not as exceptions. */
  /** The same client sending these headers too with every request (e.g. an `Idempotency-Key`). */
  withHeaders(headers: Record<string, string>): BookingClient {
    return new BookingClient({ ...this.options, headers: { ...this.options.headers, ...headers } });
  }

  async request<T, V>(
    document: TypedDocumentNode<T, V>,
    ...[variables]: VariablesArgument<NoInfer<V>>
  ): Promise<GraphQLResponse<T>> {
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        ...this.options.headers,
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }

  /** The data of an operation that must succeed; throws with the errors otherwise. */
  async data<T, V>(document: TypedDocumentNode<T, V>, ...[variables]: VariablesArgument<NoInfer<V>>): Promise<T> {
    const result = await this.request<T, V>(document, ...([variables] as VariablesArgument<NoInfer<V>>));
    if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  }

  /**
   * A graphql-ws connection on the same path (ws:// or wss://), signed in with the client's token. In
   * Node pass `webSocketImpl` (the `ws` package); browsers have WebSocket built in.
   */
  socket(options: Partial<ClientOptions> = {}): Client {
    return createClient({
      url: this.options.url.replace(/^http/, 'ws'),
      connectionParams: this.options.token ? { authorization: `Bearer ${this.options.token}` } : undefined,
      ...options,
    });
  }
}

/** Subscribes a typed subscription document on a socket; returns the function that stops it. */
export function subscribe<T, V>(
  socket: Client,
  document: TypedDocumentNode<T, V>,
  variables: NoInfer<V>,
  sink: {
    next: (result: GraphQLResponse<T>) => void;
    error?: (error: unknown) => void;
    complete?: () => void;
  },
): () => void {
  return socket.subscribe<T>(
    { query: print(document), variables: variables as Record<string, unknown> },
    {
      next: (result) => sink.next(result as GraphQLResponse<T>),
      error: sink.error ?? (() => {}),
      complete: sink.complete ?? (() => {}),
    },
  );
}
