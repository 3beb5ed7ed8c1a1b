import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import express, { type Request, type Response, type Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { RateLimits } from '../accounts/rate-limits';
import type { Clock } from '../core/clock';
import type { RequestContext } from '../core/context';
import { BadInput, DomainError } from '../core/errors';
import type { ImageService } from '../images/image.service';
import type { Tokens } from '../accounts/tokens';

/** The largest upload (5 MB, docs/booking.md, "Images and uploads"); a multipart body may carry a little more for its headers. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
const MULTIPART_OVERHEAD = 64 * 1024;

/** Refused for its size: 413. */
class TooLarge extends DomainError {
  constructor() {
    super('BAD_USER_INPUT', `file: must be at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`, { field: 'file' });
  }
}

const STATUS: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429 };

/**
 * The one file of a multipart body (field `file`), read as it streams: at MAX_UPLOAD_BYTES the reading
 * stops and the upload is refused, so that nothing larger is ever held in memory.
 */
function readFile(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 11 },
      });
    } catch {
      reject(new BadInput('file', 'send multipart/form-data with the image in the field "file"'));
      return;
    }
    let file: Buffer | undefined;
    parser.on('file', (name, stream) => {
      if (name !== 'file') {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        req.unpipe(parser);
        reject(new TooLarge());
      });
      stream.on('end', () => {
        if (!stream.truncated) file = Buffer.concat(chunks);
      });
    });
    parser.on('close', () =>
      file ? resolve(file) : reject(new BadInput('file', 'is missing: send the image in the multipart field "file"')),
    );
    parser.on('error', () => reject(new BadInput('file', 'the multipart body is malformed')));
    req.pipe(parser);
  });
}

export interface ImageRouteDeps {
  orm: MikroORM;
  tokens: Tokens;
  clock: Clock;
  images: ImageService;
  rateLimits: RateLimits;
  log: Logger;
}

/** Answers a failed upload as the API would: its code and details, a 500 for what is not a refusal. */
function refuseUpload(deps: ImageRouteDeps, req: Request, res: Response, error: unknown): void {
  // What is left of the body is read and dropped by Node, so the client gets the answer, not a reset.
  req.unpipe();
  req.resume();
  if (error instanceof TooLarge) res.status(413);
  else if (error instanceof DomainError) res.status(STATUS[error.code] ?? 400);
  else {
    deps.log.error({ err: error }, 'upload failed');
    res
      .status(500)
      .json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    return;
  }
  if (error.code === 'RATE_LIMITED') res.set('retry-after', String(error.details.retryAfter));
  res.json({ errors: [{ message: error.message, extensions: { code: error.code, ...error.details } }] });
}

/** POST /uploads: stores the image of a signed-in user, within the upload rate limit. */
async function upload(deps: ImageRouteDeps, req: Request, res: Response): Promise<void> {
  try {
    const em = deps.orm.em.fork();
    const actor = await deps.tokens.authenticate(em, req.headers.authorization).catch(() => undefined);
    if (!actor) throw new DomainError('UNAUTHENTICATED', 'Sign in first: send the Bearer token of your session');
    const ctx: RequestContext = { em, actor, clock: deps.clock, ip: req.ip, userAgent: req.get('user-agent') };
    if (Number(req.get('content-length') ?? 0) > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD) throw new TooLarge();
    await deps.rateLimits.upload(ctx, actor.userId);
    const image = await deps.images.upload(ctx, await readFile(req));
    res.status(201).json({ id: image.id, url: image.url, width: image.width, height: image.height });
  } catch (error) {
    refuseUpload(deps, req, res, error);
  }
}

/** GET /images/<file>: the stored image, cached for a year by its etag. */
async function serveImage(deps: ImageRouteDeps, req: Request, res: Response): Promise<void> {
  const image = await deps.images.serve(String(req.params.file));
  if (!image) {
    res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
    return;
  }
  res.set({
    'content-type': image.contentType,
    'cache-control': 'public, max-age=31536000, immutable',
    etag: image.etag,
    'x-content-type-options': 'nosniff',
  });
  if (req.get('if-none-match') === image.etag) {
    image.body.destroy();
    res.status(304).end();
    return;
  }
  if (image.length !== undefined) res.set('content-length', String(image.length));
  await pipeline(image.body, res).catch((error: unknown) => deps.log.warn({ err: error }, 'image not sent whole'));
}

/**
 * POST /uploads (signed in with the Bearer token, multipart field `file`): answers 201 with
 * `{ id, url, width, height }`. GET /images/<id>.<ext> serves a stored image for a year of caching.
 */
export function imageRoutes(deps: ImageRouteDeps): Router {
  const router = express.Router();
  router.post('/uploads', (req: Request, res: Response) => upload(deps, req, res));
  router.get('/images/:file', (req: Request, res: Response) => serveImage(deps, req, res));
  return router;
}
