import fs from 'node:fs';
import { schemaText } from '../src/server/schema';

describe('schema.graphql', () => {
  it('is what the code builds (run `npm run schema` after changing the API)', () => {
    expect(fs.readFileSync('schema.graphql', 'utf8')).toBe(schemaText());
  });
});
