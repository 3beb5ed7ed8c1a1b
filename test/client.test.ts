import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { buildGraphQLSchema } from '../src/server/schema';

const OPERATIONS = path.resolve('client/operations');

/** The root fields (e.g. `mutation.book`) the typed client's operations select. */
function coveredRootFields(): Set<string> {
  const covered = new Set<string>();
  for (const file of readdirSync(OPERATIONS).filter((name) => name.endsWith('.graphql'))) {
    for (const definition of parse(readFileSync(path.join(OPERATIONS, file), 'utf8')).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const selection of definition.selectionSet.selections) {
        if (selection.kind === Kind.FIELD) covered.add(`${definition.operation}.${selection.name.value}`);
      }
    }
  }
  return covered;
}

describe('the typed client', () => {
  it('has an operation for every query, mutation and subscription of the served schema', () => {
    const schema = buildGraphQLSchema();
    const covered = coveredRootFields();
    const roots = [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
      ['subscription', schema.getSubscriptionType()],
    ] as const;
    const missing = roots
      .flatMap(([operation, type]) => Object.keys(type?.getFields() ?? {}).map((field) => `${operation}.${field}`))
      .filter((field) => !covered.has(field));
    expect(missing).toEqual([]);
  });
});
