import fs from 'node:fs';
import { MikroORM } from '@mikro-orm/postgresql';
import { DB_FUNCTIONS_FILE, dbFunctionsText } from '../src/infra/db-functions';
import { ormOptions } from '../src/infra/orm';
import { createTestDatabase } from './support/server';

describe(DB_FUNCTIONS_FILE, () => {
  it('is what the migrations make (run `npm run schema:db` after changing a function or trigger)', async () => {
    const database = await createTestDatabase();
    const orm = await MikroORM.init(ormOptions(database.url));
    try {
      expect(fs.readFileSync(DB_FUNCTIONS_FILE, 'utf8')).toBe(await dbFunctionsText(orm.em.fork()));
    } finally {
      await orm.close();
      await database.drop();
    }
  });
});
