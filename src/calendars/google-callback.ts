import escapeHtml from 'escape-html';
import { Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import { systemContext } from '../core/context';
import { DomainError } from '../core/errors';
import type { CalendarService, ConsentPage } from './calendar.service';

export interface GoogleCallbackDeps {
  orm: MikroORM;
  clock: Clock;
  log: Logger;
  calendars: CalendarService;
}

function page(result: ConsentPage): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(result.title)}</title></head>
<body>
<h1>${escapeHtml(result.title)}</h1>
<p>${escapeHtml(result.message)}</p>
</body>
</html>
`;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** GET /oauth/google/callback: where Google sends the provider's browser back after the consent page. */
export function googleCallback(deps: GoogleCallbackDeps): Router {
  const router = Router();
  router.get('/oauth/google/callback', async (req, res) => {
    try {
      const result = await deps.calendars.completeConsent(systemContext(deps.orm, deps.clock), {
        code: text(req.query.code),
        state: text(req.query.state),
        error: text(req.query.error),
      });
      res.status(result.status).type('html').set('cache-control', 'no-store').send(page(result));
    } catch (error) {
      const known = error instanceof DomainError;
      if (!known) deps.log.error({ err: error }, 'Google callback failed');
      res
        .status(known ? 404 : 500)
        .type('html')
        .send(
          page({
            status: 500,
            title: 'Google Calendar was not connected',
            message: known ? error.message : 'Something went wrong. Start again from your account page.',
          }),
        );
    }
  });
  return router;
}
