/**
 * The event stream of one subscription. It ends the moment the client leaves (graphql-ws calls
 * return(), which also wakes a parked next()), and it closes itself when the client stops reading and
 * `limit` events pile up, so that a slow client holds bounded memory and slows no one else.
 */
export class SubscriberQueue<T> implements AsyncIterableIterator<T> {
  private buffer: T[] = [];
  private parked?: (result: IteratorResult<T>) => void;
  private closed = false;

  constructor(
    private readonly onClose: () => void,
    private readonly limit = 1_000,
  ) {}

  push(value: T): void {
    if (this.closed) return;
    if (this.parked) {
      const wake = this.parked;
      this.parked = undefined;
      wake({ value, done: false });
    } else if (this.buffer.length >= this.limit) {
      this.close();
    } else {
      this.buffer.push(value);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.parked = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    this.close();
    return Promise.reject(error);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    this.onClose();
    this.parked?.({ value: undefined, done: true });
    this.parked = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
