/**
 * npm run schema:db: migrates a scratch database (a throwaway embedded PostgreSQL, or DATABASE_URL when
 * given) and writes its own functions and triggers to migrations/functions.sql, then exits.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from './command';
import { DB_FUNCTIONS_FILE, dbFunctionsText } from './infra/db-functions';

const scratch = path.resolve('.data', `schema-db-${process.pid}`);
// After the command has stopped the cluster: the scratch files go however it ends.
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));

void runCommand(
  'schema:db',
  async ({ orm, log }) => {
    fs.writeFileSync(DB_FUNCTIONS_FILE, await dbFunctionsText(orm.em.fork()));
    log.info(`${DB_FUNCTIONS_FILE} written`);
  },
  scratch,
);
