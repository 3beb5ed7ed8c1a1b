/**
 * A small typed client of the booking API for integrators: queries and mutations over fetch, subscriptions
 * over graphql-ws. Pass it typed documents (TypedDocumentNode, e.g. made by `npm run codegen` from
 * schema.graphql) and the answers and variables are typed.
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

export class BookingClient {
  constructor(private readonly options: BookingClientOptions) {}

  /** The same client acting as another account (or anonymous, without a token). */
  as(token: string | undefined): BookingClient {
    return new BookingClient({ ...this.options, token });
  }

  /** Runs a query or mutation over HTTP POST; GraphQL errors come back in `errors`, not as exceptions. */
  async request<T, V>(
    document: TypedDocumentNode<T, V>,
    variables?: V,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        ...this.options.headers,
        ...headers,
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }

  /** The data of an operation that must succeed; throws with the errors otherwise. */
  async data<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Promise<T> {
    const result = await this.request(document, variables);
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
  variables: V,
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
