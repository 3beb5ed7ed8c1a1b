import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { errorBody } from './errors';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Who may read GET /metrics: with METRICS_TOKEN, whoever sends `Authorization: Bearer <token>` (else
 * 401); without it, anyone outside production and no one in production (404, as if it did not exist).
 */
export function metricsAccess(settings: Pick<Config, 'metricsToken' | 'production'>): RequestHandler {
  const expected = settings.metricsToken === undefined ? undefined : digest(settings.metricsToken);
  return (req, res, next) => {
    if (!expected) {
      if (settings.production) res.status(404).json(errorBody('Not found', 'NOT_FOUND'));
      else next();
      return;
    }
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization')?.trim() ?? '');
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (match && timingSafeEqual(digest(match[1]), expected)) {
      next();
      return;
    }
    res
      .status(401)
      .set('www-authenticate', 'Bearer')
      .json(errorBody('GET /metrics needs its Bearer token (METRICS_TOKEN)', 'UNAUTHENTICATED'));
  };
}
