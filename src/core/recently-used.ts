/** What `make` answers for a key, made once and kept while the key is among the `size` most recently used. */
export function recentlyUsed<V>(size: number): (key: string, make: () => V) => V {
  const kept = new Map<string, V>();
  return (key, make) => {
    const found = kept.has(key);
    const value = found ? kept.get(key)! : make();
    if (found) kept.delete(key); // re-added below as the most recent
    kept.set(key, value);
    if (kept.size > size) kept.delete(kept.keys().next().value!);
    return value;
  };
}
