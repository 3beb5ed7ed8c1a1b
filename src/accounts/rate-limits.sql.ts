/**
 * Counts one point of `key` in rate-limit's fixed-window counter, as rate-limiter-flexible's RateLimiterPostgres
 * does (a window that ended starts again at 1), for a statement to carry as a data-modifying CTE; the
 * placeholders are the caller's: the key (null counts nothing), now and the new window's end, in ms.
 */
export const countCharge = (key: string, now: string, windowEnd: string): string =>
  `insert into rate_limit.counter as c (key, points, expire) select ${key}, 1, ${windowEnd} where ${key} is not null
    on conflict (key) do update set
      points = case when c.expire <= ${now} then 1 else c.points + 1 end,
      expire = case when c.expire <= ${now} then excluded.expire else c.expire end
    returning points, expire`;
