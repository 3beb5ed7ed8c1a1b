import type { MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { CalendarFeedService } from '../calendars/feed.service';

export interface FeedRouteDeps {
  orm: MikroORM;
  clock: Clock;
  log: Logger;
  feeds: CalendarFeedService;
}

/**
 * GET /calendars/<token>.ics: the feed as text/calendar, for calendar apps that read it by URL alone (no
 * auth header). Express answers If-None-Match (ETag of the body) and If-Modified-Since with 304.
 */
export function feedRoute(deps: FeedRouteDeps): Router {
  const router = Router();
  router.get('/calendars/:file', async (req, res) => {
    const token = req.params.file.endsWith('.ics') ? req.params.file.slice(0, -4) : '';
    try {
      const feed = await deps.feeds.render({ em: deps.orm.em.fork(), clock: deps.clock }, token);
      res.set({ 'cache-control': 'private, max-age=300', 'x-robots-tag': 'noindex', 'referrer-policy': 'no-referrer' });
      if (!feed) return void res.status(404).type('text/plain').send('No such calendar feed');
      res.set('last-modified', feed.lastModified.toUTCString());
      res
        .type('text/calendar; charset=utf-8')
        .set('content-disposition', 'inline; filename="bookings.ics"')
        .send(feed.body);
    } catch (error) {
      deps.log.error({ err: error }, 'calendar feed failed');
      res.status(500).type('text/plain').send('The calendar could not be read. Try again in a moment.');
    }
  });
  return router;
}
