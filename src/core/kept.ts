/** What a cache (Map, WeakMap, LRUCache) keeps under a key, made and kept on first use. */
export function kept<K, V>(
  cache: { get(key: K): V | undefined; set(key: K, value: NoInfer<V>): unknown },
  key: K,
  make: () => NoInfer<V>,
): V {
  const found = cache.get(key);
  if (found !== undefined) return found;
  const made = make();
  cache.set(key, made);
  return made;
}
