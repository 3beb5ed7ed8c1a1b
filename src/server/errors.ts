import type { ServerResponse } from 'node:http';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { AuthenticationError, AuthorizationError } from 'type-graphql';
import { isDatabaseUnavailable } from '../infra/database';
import { DomainError, type ErrorCode } from '../core/errors';
import { InvalidScalarValue } from '../graphql/scalars';
import { asTokenLimit } from './operation-limits';

/** Codes that graphql-js and Apollo produce for a bad request: the client's fault, safe to show. */
const REQUEST_CODES = new Set<ErrorCode>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
]);

function codeOf(error: unknown): string | undefined {
  return error instanceof GraphQLError ? (error.extensions?.code as string | undefined) : undefined;
}

/** A refusal of Apollo's own that it gives no code but a 4xx status (an APQ hash that does not match its query). */
function isUncodedRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError || codeOf(error)) return false;
  const status = (error.extensions?.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** PostgreSQL's query_canceled: here, always statement_timeout (the server cancels nothing else). */
const isStatementTimeout = (error: unknown) => error instanceof Error && (error as { code?: unknown }).code === '57014';

/** graphql-js suggests names that exist ("Did you mean …?"): that describes the schema, so it is cut. */
const withoutSuggestions = (message: string) => message.replace(/ ?Did you mean [^?]*\?/g, '');

/** The body of an HTTP answer that is not GraphQL's own: GraphQL-shaped, so every answer is JSON with a code. */
export function errorBody(message: string, code: ErrorCode, details: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, ...details } }] };
}

/** A JSON answer on Node's own response, as Express's `res.status(status).json(body)` writes it. */
export function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * Maps every error to a stable `extensions.code`. Domain errors and request errors keep their message;
 * anything else is logged and answered as INTERNAL_SERVER_ERROR with an opaque message.
 */
export function errorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    let error = unwrapResolverError(raw);
    if (error instanceof GraphQLError) error = asTokenLimit(error) ?? error;
    const base = {
      message: withoutSuggestions(formatted.message),
      locations: formatted.locations,
      path: formatted.path,
    };
    const domain =
      error instanceof DomainError ? error : error instanceof GraphQLError ? error.originalError : undefined;
    if (domain instanceof DomainError) {
      return { ...base, message: domain.message, extensions: { code: domain.code, ...domain.details } };
    }
    if (isDatabaseUnavailable(error)) {
      log.warn({ err: error }, 'database unavailable');
      const message = 'The service cannot reach its database right now. Please retry in a moment.';
      return { ...base, message, extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    if (error instanceof AuthenticationError) return { ...base, extensions: { code: 'UNAUTHENTICATED' } };
    if (error instanceof AuthorizationError)
      return { ...base, message: 'Not allowed for your role', extensions: { code: 'FORBIDDEN' } };
    const original = error instanceof GraphQLError ? error.originalError : undefined;
    if (isStatementTimeout(error) || isStatementTimeout(original)) {
      log.warn({ err: error }, 'statement timed out');
      return {
        ...base,
        message: 'A database statement took too long and was cancelled; what it was part of was not saved',
        extensions: { code: 'TIMEOUT' },
      };
    }
    if (original instanceof InvalidScalarValue) return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
    const code = codeOf(error) ?? formatted.extensions?.code;
    // A request error that wraps an unexpected exception is not the client's fault.
    if (
      typeof code === 'string' &&
      REQUEST_CODES.has(code as ErrorCode) &&
      (!original || original instanceof GraphQLError)
    ) {
      return { ...base, extensions: { code } };
    }
    if (isUncodedRequestError(error)) return { ...base, extensions: { code: 'BAD_REQUEST' } };
    log.error({ err: error }, 'unexpected error');
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
