/** Writes a migration for the difference between the entities and the database at DATABASE_URL. */
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../src/infra/orm';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL to a database with the existing migrations applied');
  const orm = await MikroORM.init(ormOptions(url, console.log));
  try {
    await orm.getMigrator().up();
    const result = await orm.getMigrator().createMigration(undefined, false, false, process.argv[2]);
    console.log(result.fileName ? `wrote migrations/${result.fileName}: add it to migrations/index.ts` : 'no changes');
  } finally {
    await orm.close();
  }
}

void main();
