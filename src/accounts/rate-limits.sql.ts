/**
 * Counts the points of `charges` (a relation of key, points and window_end, one row per key) in
 * rate-limit's fixed-window counters, as rate-limiter-flexible's RateLimiterPostgres does (a window that ended
 * starts again at what is counted now), for a statement to carry as a data-modifying CTE. Keys are locked in
 * key order, so that two statements counting the same keys wait for each other and never deadlock. `now` and
 * the window ends are in ms.
 */
export const countCharges = (charges: string, now: string): string =>
  `insert into rate_limit.counter as c (key, points, expire) select key, points, window_end from ${charges} as charges order by key
    on conflict (key) do update set
      points = case when c.expire <= ${now} then excluded.points else c.points + excluded.points end,
      expire = case when c.expire <= ${now} then excluded.expire else c.expire end
    returning key, points, expire`;
