import type { MikroORM } from '@mikro-orm/postgresql';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { Provider } from '../accounts/provider.entity';
import { CSP_DIRECTIVES } from './security-headers';

/**
 * The CSP of a calendar page: as every page of ours (no inline script or style), but framable by the
 * sites its provider listed (`embedOrigins`), and by none otherwise. helmet reads `frameAncestors` per
 * request from res.locals.
 */
const policy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    ...CSP_DIRECTIVES,
    styleSrc: ["'self'"],
    workerSrc: ["'none'"],
    frameAncestors: [(_req, res) => ((res as Response).locals.frameAncestors as string | undefined) ?? "'none'"],
  },
});

/** Middleware of the calendar pages: the provider's framing sites, then the CSP above; X-Frame-Options goes when some are listed. */
export function embeddablePage(orm: MikroORM): RequestHandler<Record<string, string>> {
  return async (req: Request<Record<string, string>>, res: Response, next: NextFunction) => {
    try {
      const id = /^\d{1,10}$/.test(String(req.params.providerId)) ? Number(req.params.providerId) : null;
      const provider = id === null ? null : await orm.em.fork().findOne(Provider, id, { fields: ['embedOrigins'] });
      const origins = provider?.embedOrigins ?? [];
      if (origins.length > 0) {
        res.locals.frameAncestors = origins.join(' ');
        // CSP frame-ancestors decides where it is supported; the old header would forbid every frame.
        res.removeHeader('x-frame-options');
      }
      policy(req as Request, res, next);
    } catch (error) {
      next(error);
    }
  };
}
