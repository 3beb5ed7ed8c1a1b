import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed documents for the operations in test/operations, checked against schema.graphql. */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: 'test/operations/**/*.graphql',
  generates: {
    'test/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        scalars: { DateTime: 'string', Date: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: false },
      },
    },
  },
  silent: true,
};

export default config;
