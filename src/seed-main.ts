/** npm run seed: migrates, then makes the demo data the README's "Try it" uses (safe to run again). */
import 'reflect-metadata';
import { systemClock } from './core/clock';
import { runCommand } from './command';
import { createDomain } from './domain';
import { seedDemo } from './seed';

void runCommand('seed', async ({ config, orm, log }) => {
  const summary = await seedDemo(orm, createDomain(config, systemClock, log), systemClock);
  log.info(summary, 'Demo data ready');
});
