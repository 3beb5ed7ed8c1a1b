import type { MikroORM } from '@mikro-orm/postgresql';
import escapeHtml from 'escape-html';
import express, { Router } from 'express';
import type { Logger } from 'pino';
import type { AccountService } from '../accounts/account.service';
import type { Clock } from '../core/clock';
import { systemContext } from '../core/context';
import { DomainError } from '../core/errors';
import { page } from './calendar-page';
import { pagePolicy } from './security-headers';

export interface VerifyEmailPageDeps {
  orm: MikroORM;
  clock: Clock;
  log: Logger;
  accounts: AccountService;
}

/**
 * The page the address-confirmation email links to when no APP_URL is set. GET shows a button and
 * confirms nothing (mail scanners open links); its POST confirms the address (AccountService.verifyEmail).
 */
export function verifyEmailPage(deps: VerifyEmailPageDeps): Router {
  const router = Router();
  router.use('/verify-email', pagePolicy, (_req, res, next) => {
    res.set('cache-control', 'no-store'); // Referrer-Policy: no-referrer comes with every answer
    next();
  });
  router.get('/verify-email', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    page(
      res,
      200,
      'Confirm your email address',
      `<h1>Confirm your email address</h1>
<form method="post" action="/verify-email"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">Confirm my email address</button></form>`,
    );
  });
  router.post('/verify-email', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    try {
      await deps.accounts.verifyEmail(systemContext(deps.orm, deps.clock), token);
      page(res, 200, 'Email address confirmed', '<h1>Email address confirmed</h1><p>You can close this page.</p>');
    } catch (error) {
      if (!(error instanceof DomainError)) {
        deps.log.error({ err: error }, 'email verification failed');
        return page(res, 500, 'Something went wrong', '<p>Try the link again in a moment.</p>');
      }
      page(
        res,
        400,
        'This link does not work',
        '<h1>This link does not work</h1><p>It is not a link to confirm an address, or it has expired. Sign in and ask for a new one.</p>',
      );
    }
  });
  return router;
}
