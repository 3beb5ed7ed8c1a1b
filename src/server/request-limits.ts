import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import { errorBody, sendJson } from './errors';
import type { NodeMiddleware } from './graphql-route';
import { queryTooLong } from './operation-limits';

/** The largest JSON body: far more than any valid request, so that long notes are refused by the domain with a named field. */
export const MAX_BODY = '1mb';

/** The deepest JSON a body or a WebSocket message may nest: variables nest a few levels, JSON values a few more. */
export const MAX_JSON_DEPTH = 64;

const OPEN = [0x5b, 0x7b]; // [ {
const CLOSE = [0x5d, 0x7d]; // ] }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether raw JSON nests deeper than MAX_JSON_DEPTH: one pass over the bytes, before anything is parsed. */
function tooDeep(body: Buffer): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (OPEN.includes(byte)) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (CLOSE.includes(byte)) depth -= 1;
  }
  return false;
}

/** Whether a parsed value nests deeper than MAX_JSON_DEPTH (a WebSocket message's variables). */
export function nestedTooDeep(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth >= MAX_JSON_DEPTH) return true;
  return Object.values(value).some((item) => nestedTooDeep(item, depth + 1));
}

/**
 * JSON bodies of at most MAX_BODY, nesting at most MAX_JSON_DEPTH: a deeper one is refused (400) before
 * it is parsed, since what later walks it (variables coercion, fingerprints) recurses.
 */
export function jsonBody(): NodeMiddleware {
  return express.json({
    limit: MAX_BODY,
    verify: (_req: IncomingMessage, _res: unknown, body: Buffer) => {
      if (tooDeep(body))
        throw Object.assign(new Error('too deep'), { status: 400, type: 'entity.too.deep', expose: true });
    },
  });
}

/**
 * A GraphQL query text (POST body or GET parameter) longer than OPERATION_LIMITS.queryLength is refused
 * before anything parses it: the idempotency check, APQ and Apollo all parse what reaches them.
 */
export function queryLength(req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: () => void): void {
  const search = req.url?.split('?')[1];
  const query =
    (req.body as { query?: unknown } | undefined)?.query ?? (search && new URLSearchParams(search).get('query'));
  const refused = queryTooLong(query);
  if (!refused) return next();
  sendJson(res, 400, errorBody(refused.message, 'QUERY_TOO_COMPLEX'));
}

/** What the client did wrong, in our words: body-parser's own messages quote the body. */
function describeRequestError(error: { status?: number; type?: string }): { status: number; message: string } {
  const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
  if (error.type === 'entity.parse.failed') return { status, message: 'The body is not valid JSON' };
  if (error.type === 'entity.too.large') return { status, message: `The body is larger than ${MAX_BODY}` };
  if (error.type === 'entity.too.deep')
    return { status, message: `The body nests deeper than ${MAX_JSON_DEPTH} levels` };
  if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported')
    return { status, message: 'The body must be UTF-8 JSON' };
  return { status, message: status === 500 ? 'Internal server error' : 'Bad request' };
}

/** Answers a request that failed (a body refused, or a fault of ours: logged) with JSON, never Express's HTML page. */
export function answerRequestError(log: Logger) {
  return (error: unknown, res: ServerResponse): void => {
    const { status, message } = describeRequestError(error as { status?: number; type?: string });
    if (status === 500) log.error({ err: error }, 'request failed');
    // Part of the answer went out already: only closing the connection tells the client it is incomplete.
    if (res.headersSent) return void res.destroy();
    sendJson(res, status, errorBody(message, status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST'));
  };
}
