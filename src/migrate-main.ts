/** npm run migrate: brings the database's schema (ours and the job queue's) up to date, then exits. */
import 'reflect-metadata';
import { runCommand } from './command';

void runCommand('migrate', async ({ log }) => log.info('Database migrated'));
