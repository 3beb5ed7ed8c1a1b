import type { TxContext } from './context';

/**
 * Runs inside the transaction that made the change (Vendure's blocking event handlers): it may store rows
 * and queue jobs through `tx.effects`, and if it throws the change rolls back. It never calls out.
 */
export type Listener<E> = (tx: TxContext, event: E) => void | Promise<void>;

/** Typed domain events and their listeners, registered once in the composition root (`domain.ts`). */
export class EventBus<Events extends object> {
  private readonly listeners: { [K in keyof Events]?: Listener<Events[K]>[] } = {};

  on<K extends keyof Events>(type: K, ...listeners: Listener<Events[K]>[]): this {
    this.listeners[type] = [...(this.listeners[type] ?? []), ...listeners];
    return this;
  }

  async publish<K extends keyof Events>(tx: TxContext, type: K, event: Events[K]): Promise<void> {
    for (const listener of this.listeners[type] ?? []) await listener(tx, event);
  }
}
