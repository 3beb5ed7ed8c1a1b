/**
 * The anchor of the bench's month reads (issue 15): PostGraphile v4 serving schema bench_anchor
 * (bench/anchor-schema.ts) of the bench's database, in its own process (`node dist/bench/postgraphile.js`,
 * DATABASE_URL set; started by bench/reads.ts), which prints `ready {"url": ...}`.
 */
import Module from 'node:module';
import http from 'node:http';
import path from 'node:path';
import { Pool } from 'pg';
import { announceReady, listen } from './support';

/**
 * npm nests PostGraphile's graphql 15 twice beside our graphql 16 (once under postgraphile, once under
 * graphile-build-pg, with a graphile-build each): one copy of each for the whole process, else its schema's
 * types come from two realms. This process loads nothing of ours that needs graphql 16.
 */
const postgraphileDir = path.dirname(require.resolve('postgraphile/package.json'));
const resolveFilename = (Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string })
  ._resolveFilename;
(Module as unknown as { _resolveFilename: unknown })._resolveFilename = function (
  this: unknown,
  request: string,
  parent: unknown,
  isMain: boolean,
  options?: { paths?: string[] },
) {
  const oneCopy = !options?.paths && ['graphql', 'graphile-build'].includes(request.split('/')[0]);
  return resolveFilename.call(this, request, parent, isMain, oneCopy ? { paths: [postgraphileDir] } : options);
};

async function main(): Promise<void> {
  // As many connections as our server's ORM pool (src/infra/orm.ts).
  const db = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  // PostGraphile's production settings: no GraphiQL, no watch, no query log, no stack traces, read-only.
  const { postgraphile } = await import('postgraphile'); // after the hook above
  const middleware = postgraphile(db, 'bench_anchor', {
    graphiql: false,
    watchPg: false,
    disableQueryLog: true,
    disableDefaultMutations: true,
    dynamicJson: false,
    simpleCollections: 'only',
    setofFunctionsContainNulls: false,
    legacyRelations: 'omit',
    ignoreRBAC: false,
    showErrorStack: false,
    extendedErrors: ['errcode'],
    enableQueryBatching: false,
  });
  await middleware.getGraphQLSchema(); // ready means the schema is built, not built on the first request
  const url = await listen(http.createServer(middleware));
  announceReady({ url: `${url}/graphql` });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
