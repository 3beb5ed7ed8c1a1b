import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  getOperationAST,
  Kind,
  OperationTypeNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { DomainError, type ErrorCode } from '../core/errors';
import { LRUCache } from 'lru-cache';
import { OPERATION_LIMITS } from '../graphql/limits';
import { takeTurn } from './answer-budget';
import { kept } from '../core/kept';

/** graphql-js stops parsing past this many tokens, so a huge document costs no more than a small one. */
export const PARSE_OPTIONS: ParseOptions = { maxTokens: OPERATION_LIMITS.tokens };

/** A refusal of the whole operation before any resolver runs: HTTP 400 with its code. */
export function refusal(code: ErrorCode, message: string, details?: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    originalError: new DomainError(code, message, details),
    extensions: { http: { status: 400 } },
  });
}

/** An operation over one of OPERATION_LIMITS. */
const tooComplex = (message: string) => refusal('QUERY_TOO_COMPLEX', message);

/** A query text longer than OPERATION_LIMITS.queryLength, refused before it is parsed (over HTTP and WebSocket). */
export function queryTooLong(query: unknown): GraphQLError | undefined {
  return typeof query === 'string' && query.length > OPERATION_LIMITS.queryLength
    ? tooComplex(`The query is longer than ${OPERATION_LIMITS.queryLength} characters.`)
    : undefined;
}

/** graphql-js's token-limit syntax error (no code of its own; "more that N tokens" in 16.x) as the refusal it is. */
export function asTokenLimit(error: GraphQLError): GraphQLError | undefined {
  const match = /^Syntax Error: (Document contains more th\w+ \d+ tokens)\. Parsing aborted\.$/.exec(error.message);
  return match ? tooComplex(`${match[1]}.`) : undefined;
}

// graphql-armor names its refusals "Syntax Error: …"; they are not syntax errors.
const reject = (context: ValidationContext | null, error: GraphQLError) =>
  context?.reportError(tooComplex(error.message.replace(/^Syntax Error: /, '')));
const armor = { propagateOnRejection: false, onReject: [reject] };

/** Depth (fragments flattened), alias and directive limits, as validation rules for both transports. */
export const LIMIT_RULES: ValidationRule[] = [
  maxDepthRule({ ...armor, n: OPERATION_LIMITS.depth, flattenFragments: true }),
  maxAliasesRule({ ...armor, n: OPERATION_LIMITS.aliases }),
  maxDirectivesRule({ ...armor, n: OPERATION_LIMITS.directives }),
];

/** Each field costs its `complexity` (list fields: see graphql/limits.ts), else 1, plus its selection. */
const ESTIMATORS = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];

/** What an operation costs at most, or why it is refused. */
export type Costed = { cost: number; error?: undefined } | { cost?: undefined; error: GraphQLError };

/**
 * The cost of a valid operation, or its refusal if it is over the limit. Variables must coerce first: bad
 * ones are left to execution, which names them (BAD_USER_INPUT), and cost nothing; an argument they make
 * wrong (a null `first` where a value is required) is BAD_USER_INPUT naming it. Fragments that expand
 * past graphql-query-complexity's node limit are refused too.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string | null,
): Costed {
  const operation = getOperationAST(document, operationName);
  if (!operation || getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}).errors)
    return { cost: 0 };
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables,
      operationName: operationName ?? undefined,
      estimators: ESTIMATORS,
    });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    // graphql-js's argument errors name the argument first: `Argument "first" of non-null type ...`.
    const argument = /^Argument "(\w+)"/.exec(error.message)?.[1];
    if (argument) return { error: refusal('BAD_USER_INPUT', `${argument}: ${error.message}`, { field: argument }) };
    return { error: tooComplex(`Query cost limit of ${OPERATION_LIMITS.cost} exceeded: ${error.message}`) };
  }
  return cost > OPERATION_LIMITS.cost
    ? { error: tooComplex(`Query cost limit of ${OPERATION_LIMITS.cost} exceeded, found ${cost}.`) }
    : { cost };
}

/** How many operations' costs each schema keeps (see cachedCost). */
const KEPT_COSTS = 500;
const keptCosts = new WeakMap<GraphQLSchema, LRUCache<string, Costed>>();
/** The variables each parsed document's cost depends on (transports keep a document per query text). */
const keptCostVariables = new WeakMap<DocumentNode, string[]>();

/**
 * The variables an operation's cost can depend on: those in the arguments of fields priced by a function of
 * their arguments (lists: listCost, pageCost), and those of directives (`@skip`, `@include` take a field
 * out). Any other variable (a booking's input) changes nothing the cost counts.
 */
function costVariables(schema: GraphQLSchema, document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: ASTNode) =>
    visit(node, { [Kind.VARIABLE]: (variable) => void names.add(variable.name.value) });
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (typeof typeInfo.getFieldDef()?.extensions?.complexity === 'function') node.arguments?.forEach(collect);
      },
      Directive: collect,
    }),
  );
  return [...names].sort();
}

/**
 * operationCost of an operation given by its text, kept for the KEPT_COSTS most recent operations of the
 * schema: the cost depends on the text, the operation and the variables its cost counts alone, so it is
 * kept by a digest of them. A calendar that asks the same month again, and every `book` whatever its
 * input, is not costed again. A cost of 0 (variables that do not coerce, refused by execution) is not kept.
 */
export function cachedCost(
  schema: GraphQLSchema,
  query: string,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string | null,
): Costed {
  const costs = kept(keptCosts, schema, () => new LRUCache<string, Costed>({ max: KEPT_COSTS }));
  const counted = kept(keptCostVariables, document, () => costVariables(schema, document));
  const key = createHash('sha256')
    .update(JSON.stringify([query, operationName ?? null, counted.map((name) => variables?.[name] ?? null)]))
    .digest('base64');
  const known = costs.get(key);
  if (known) return known;
  const costed = operationCost(schema, document, variables, operationName);
  if (costed.cost !== 0) costs.set(key, costed);
  return costed;
}

/**
 * Once Apollo knows the operation and its variables, before executing it: an operation name the document
 * does not hold, a subscription (over HTTP: they run over WebSocket) and an operation over the cost limit
 * are refused with 400; a heavy one waits its turn (answer-budget.ts).
 */
export const costLimitPlugin: ApolloServerPlugin<object> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document, schema, source, operation, contextValue }) {
        if (!operation)
          throw new GraphQLError(
            request.operationName
              ? `The document has no operation named "${request.operationName}"`
              : 'Name the operation to run (operationName)',
            { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } },
          );
        if (operation.operation === OperationTypeNode.SUBSCRIPTION)
          throw refusal(
            'OPERATION_NOT_SUPPORTED',
            'Subscriptions run over WebSocket (graphql-transport-ws) on /graphql, not over HTTP',
          );
        const { cost, error } = cachedCost(schema, source, document, request.variables, request.operationName);
        if (error) throw error;
        await takeTurn(contextValue, cost);
      },
    };
  },
};
