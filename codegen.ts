import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The typed client's operations: every query, mutation and subscription of the API (client/operations),
 * checked against schema.graphql and written as typed documents to client/generated/graphql.ts.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: 'client/operations/**/*.graphql',
  generates: {
    'client/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        scalars: { DateTime: 'string', Date: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: false },
      },
    },
  },
  // Only failures are worth printing: an invalid operation names its file, line and error.
  errorsOnly: true,
};

export default config;
