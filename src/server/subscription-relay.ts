import {
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLFormattedError,
} from 'graphql';
import { WebSocket } from 'ws';
import { kept } from '../core/kept';

/** Bytes a socket may have waiting to be sent before it counts as a slow consumer and is closed. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** "Try again later": graphql-ws clients reconnect after it. */
const SLOW_CONSUMER_CLOSE = 1013;

/**
 * The serialized payload of one event for each subscription shape that received it. The hub hands the
 * same event object to every subscriber, so the first subscriber of a shape executes the selection and
 * serializes it, and every other one reuses that text; the entry goes with the event.
 */
const payloads = new WeakMap<object, Map<string, Promise<string>>>();

function payloadOf(event: object, shape: string, render: () => Promise<string>): Promise<string> {
  return kept(
    kept(payloads, event, () => new Map<string, Promise<string>>()),
    shape,
    render,
  );
}

export interface RelayTarget {
  socket: WebSocket;
  /** The client's id of the subscription, which every frame names. */
  id: string;
  /** What the answer to an event depends on: the operation, its variables, and who asks. */
  shape: string;
  formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[];
}

/**
 * Follows one subscription's event stream and writes its `next` frames straight to the socket: the
 * payload is made once per event and shape, and only the frame's envelope is per socket. A socket with
 * more than MAX_BUFFERED_BYTES unsent is closed, so a slow client never holds the others or the memory.
 * To graphql-ws this is a stream that yields nothing and ends when the events end (or the client leaves:
 * `return` closes the source).
 */
export class SubscriptionRelay implements AsyncIterableIterator<ExecutionResult> {
  private readonly finished: Promise<IteratorResult<ExecutionResult>>;

  constructor(
    private readonly source: AsyncIterableIterator<unknown>,
    args: ExecutionArgs,
    target: RelayTarget,
  ) {
    const envelope = `{"id":${JSON.stringify(target.id)},"type":"next","payload":`;
    const render = async (event: unknown): Promise<string> => {
      const result = await execute({ ...args, rootValue: event });
      return JSON.stringify(result.errors ? { ...result, errors: target.formatErrors(result.errors) } : result);
    };
    this.finished = (async () => {
      for await (const event of source) {
        const payload = await payloadOf(event as object, target.shape, () => render(event));
        if (target.socket.readyState !== WebSocket.OPEN) break;
        if (target.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          target.socket.close(SLOW_CONSUMER_CLOSE, 'Too slow: events are piling up unread');
          break;
        }
        target.socket.send(`${envelope}${payload}}`);
      }
      return { value: undefined, done: true } as const;
    })();
    this.finished.catch(() => {}); // graphql-ws reads the failure through next(); a relay it dropped unread has none to report
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    return this.finished;
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }
}
