/** Writes the schema built from the code to schema.graphql (npm run schema). */
import 'reflect-metadata';
import fs from 'node:fs';
import { schemaText } from './server/schema';

fs.writeFileSync('schema.graphql', schemaText());
