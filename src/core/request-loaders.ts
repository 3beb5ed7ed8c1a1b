import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { kept } from './kept';

/** Loaders live as long as the request (or job) whose EntityManager fork they read with. */
const perRequest = new WeakMap<EntityManager, Map<string, DataLoader<unknown, unknown>>>();

/**
 * The request's loader named `name`: every key asked for in one tick is read by ONE call of `batch`
 * (which answers in the order of the keys, an Error refusing one key), so that a list resolves its rows' fields without a query per row.
 */
export function requestLoader<K, V>(
  em: EntityManager,
  name: string,
  batch: (keys: readonly K[]) => Promise<(V | Error)[]>,
): DataLoader<K, V> {
  const loaders = kept(perRequest, em, () => new Map<string, DataLoader<unknown, unknown>>());
  // Batching only, no memo: a later mutation field of the same operation must read what the earlier one wrote.
  return kept(
    loaders,
    name,
    () => new DataLoader<K, V>(batch, { cache: false }) as DataLoader<unknown, unknown>,
  ) as DataLoader<K, V>;
}
