import fs from 'node:fs';
import path from 'node:path';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  Kind,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isObjectType,
  type GraphQLObjectType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  parse,
  validate,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  typeFromAST,
} from 'graphql';
import type { Client } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import { MAX_ROWS, OPERATION_LIMITS } from '../src/graphql/limits';
import { buildGraphQLSchema } from '../src/server/schema';
import { cachedCost, operationCost } from '../src/server/operation-limits';
import { createService, dailySlots, daysFromNow, jobsSettled, signUp } from './support/fixtures';
import { liveClient } from './support/live';
import { codes, serverMetric, startTestServer, type GraphQLResult, type TestServer } from './support/server';

/** One operation sent as text over HTTP. */
async function overHttp(
  server: TestServer,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<GraphQLResult<Record<string, unknown>>> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResult<Record<string, unknown>>;
}

/** One operation over the socket: its last result, or the errors graphql-ws answered instead. */
function overSocket(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResult<Record<string, unknown>>> {
  return new Promise((resolve) => {
    let last: GraphQLResult<Record<string, unknown>> = {};
    client.subscribe(
      { query, variables },
      {
        next: (result) => {
          last = result as GraphQLResult<Record<string, unknown>>;
        },
        error: (errors) => resolve({ errors: errors as GraphQLResult<unknown>['errors'] }),
        complete: () => resolve(last),
      },
    );
  });
}

const nested = (levels: number) => `{ ${'services { provider { '.repeat(levels)}id${' } }'.repeat(levels)} }`;

describe('operation limits', () => {
  let server: TestServer;
  let socket: Client;
  let serviceId: string;

  beforeAll(async () => {
    server = await startTestServer();
    socket = liveClient(server.url);
    serviceId = (await createService(server, await signUp(server, 'PROVIDER'))).id;
    await jobsSettled(server); // the sign-up's mail jobs run no statement into the counts below
  });
  afterAll(async () => {
    await socket.dispose();
    await server.stop();
  });

  const attacks = (): [string, string][] => [
    ['16 levels of services { provider { services … } }', nested(16)],
    [
      '25 aliases of availability',
      `{ ${Array.from({ length: 25 }, (_, i) => `a${i}: availability(serviceId: ${serviceId}, month: "2027-03") { month }`).join(' ')} }`,
    ],
    [
      'lists inside lists, within depth and aliases',
      `{ services { provider { services { slots(from: "2027-03-01T00:00:00Z", to: "2027-04-01T00:00:00Z") { id } availability(month: "2027-03") { month } } } } }`,
    ],
    ['11 directives', `{ services { ${'id @include(if: true) '.repeat(11)} } }`],
    ['2,100 tokens', `{ services { ${'id '.repeat(2_100)} } }`],
    [
      'a fragment that doubles 40 times',
      `{ services { ...F39 } } fragment F0 on Service { id } ${Array.from({ length: 39 }, (_, i) => `fragment F${i + 1} on Service { ...F${i} ...F${i} }`).join(' ')}`,
    ],
  ];

  it('refuses each over HTTP and over WebSocket with QUERY_TOO_COMPLEX, before any SQL', async () => {
    for (const [name, query] of attacks()) {
      const before = await serverMetric(server.url, 'db_statements_total');
      const [http, ws] = await Promise.all([overHttp(server, query), overSocket(socket, query)]);
      const wsAgain = await overSocket(socket, query); // answered from what the socket's checker kept
      expect({ name, http: codes(http), ws: codes(ws), wsAgain: codes(wsAgain) }).toEqual({
        name,
        http: ['QUERY_TOO_COMPLEX'],
        ws: ['QUERY_TOO_COMPLEX'],
        wsAgain: ['QUERY_TOO_COMPLEX'],
      });
      expect(http.data ?? undefined).toBeUndefined();
      expect(await serverMetric(server.url, 'db_statements_total')).toBe(before);
    }
  });

  it("lets the explorer's introspection query through", async () => {
    const result = await overHttp(
      server,
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        inputValueDeprecation: true,
      }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.__schema).toBeDefined();
  });

  it('lets every operation the tests use through, at half of each limit at most', () => {
    const schema = buildGraphQLSchema();
    const dir = path.resolve('client/operations');
    const documents = fs.readdirSync(dir).map((file) => parse(fs.readFileSync(path.join(dir, file), 'utf8')));
    const halfLimits = [
      maxDepthRule({ n: OPERATION_LIMITS.depth / 2, flattenFragments: true }),
      maxAliasesRule({ n: OPERATION_LIMITS.aliases / 2 }),
    ];
    const fragments = documents.flatMap((document) =>
      document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION),
    );
    const operations = documents.flatMap((document) =>
      document.definitions.filter(
        (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
      ),
    );
    expect(operations.length).toBeGreaterThan(40);
    for (const operation of operations) {
      const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
      expect({ name: operation.name?.value, errors: validate(schema, document, halfLimits).map(String) }).toEqual({
        name: operation.name?.value,
        errors: [],
      });
      const { cost } = operationCost(schema, document, sampleVariables(schema, operation), operation.name?.value);
      expect({ name: operation.name?.value, halfCost: cost! <= OPERATION_LIMITS.cost / 2 }).toEqual({
        name: operation.name?.value,
        halfCost: true,
      });
    }
  });
});

describe('errors over WebSocket', () => {
  let server: TestServer;
  let socket: Client;

  beforeAll(async () => {
    server = await startTestServer();
    socket = liveClient(server.url);
  });
  afterAll(async () => {
    await socket.dispose();
    await server.stop();
  });

  it('carry the codes HTTP gives, and name no field the caller did not', async () => {
    const cases: [string, string, Record<string, unknown> | undefined, string][] = [
      ['unknown field', '{ servces { id } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
      ['unknown argument', '{ services(serch: "x") { id } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
      ['missing variable', 'query ($id: ID!) { service(id: $id) { id } }', {}, 'BAD_USER_INPUT'],
      [
        'variable of the wrong type',
        'query ($id: ID!) { service(id: $id) { id } }',
        { id: { a: 1 } },
        'BAD_USER_INPUT',
      ],
      ['syntax error', '{ services { id }', undefined, 'GRAPHQL_PARSE_FAILED'],
    ];
    for (const [name, query, variables, code] of cases) {
      const [http, ws] = await Promise.all([overHttp(server, query, variables), overSocket(socket, query, variables)]);
      expect({ name, http: codes(http), ws: codes(ws) }).toEqual({ name, http: [code], ws: [code] });
      expect(JSON.stringify([http, ws])).not.toMatch(/Did you mean|services"|search/);
    }
  });
});

describe('time-outs', () => {
  let server: TestServer;
  let lock: PgClient;
  let slotIds: string[];
  let customer: string;

  /** Holds a slot's row lock, as a long transaction would, until released. */
  async function holdSlot(id: string): Promise<() => Promise<void>> {
    await lock.query('begin');
    await lock.query('select id from slot where id = $1 for update', [id]);
    return async () => {
      await lock.query('rollback');
    };
  }

  /**
   * Resolves once a statement of the server has waited on a lock for longer than `ms`. It reads outside the lock
   * holder's transaction, where pg_stat_activity would stay the snapshot taken at its first read.
   */
  async function statementWaiting(ms: number): Promise<void> {
    for (;;) {
      const rows = await server.sql<{ waiting: number }>(
        `select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and clock_timestamp() - query_start > $1 * interval '1 millisecond'`,
        [ms],
      );
      if (rows[0].waiting > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const bookOne = (id: string) => `book(input: { slotIds: [${id}], party: { adults: 1 } }) { id }`;
  const booked = async (id: string) =>
    (await server.sql<{ booked: number }>('select booked from slot where id = $1', [id]))[0].booked;

  async function start(overrides: { statementTimeoutMs: number; operationTimeoutMs: number }) {
    server = await startTestServer(overrides);
    const provider = await signUp(server, 'PROVIDER');
    const service = await createService(server, provider);
    slotIds = (await dailySlots(server, provider, service.id, daysFromNow(2), daysFromNow(6))).map((slot) => slot.id);
    customer = (await signUp(server, 'CUSTOMER')).token;
    lock = new PgClient({ connectionString: server.databaseUrl });
    await lock.connect();
  }
  afterEach(async () => {
    await lock.end();
    await server.stop();
  });

  it('cancels a statement that runs past STATEMENT_TIMEOUT_MS: TIMEOUT, nothing saved', async () => {
    await start({ statementTimeoutMs: 300, operationTimeoutMs: 60_000 });
    const release = await holdSlot(slotIds[0]);
    const result = await overHttp(server, `mutation { ${bookOne(slotIds[0])} }`, undefined, customer);
    await release();
    expect(codes(result)).toEqual(['TIMEOUT']);
    expect(JSON.stringify(result)).not.toMatch(/select|update|insert|slot"|\bat /i);
    expect(await booked(slotIds[0])).toBe(0);
    expect(await server.sql('select id from booking')).toEqual([]);
  });

  it('stops an operation past OPERATION_TIMEOUT_MS: fields not reached answer TIMEOUT, over HTTP and WebSocket', async () => {
    // The deadline leaves a loaded machine time to start the first field; the lock then outlasts it.
    await start({ statementTimeoutMs: 0, operationTimeoutMs: 3_000 });
    const socket = liveClient(server.url, customer);
    const transports: [string, (query: string) => Promise<GraphQLResult<Record<string, unknown>>>][] = [
      ['http', (query) => overHttp(server, query, undefined, customer)],
      ['ws', (query) => overSocket(socket, query)],
    ];
    for (const [index, [transport, send]] of transports.entries()) {
      const [first, second] = [slotIds[2 * index], slotIds[2 * index + 1]];
      const release = await holdSlot(first);
      // Mutations run one after the other: the second starts once the first, held on the lock, has finished.
      const answer = send(`mutation { first: ${bookOne(first)} second: ${bookOne(second)} }`);
      // An answer before the wait means the deadline passed before the first field: the check below says so.
      await Promise.race([statementWaiting(3_200), answer]);
      await release();
      const result = await answer;
      expect({ transport, codes: codes(result), path: result.errors?.[0].path }).toEqual({
        transport,
        codes: ['TIMEOUT'],
        path: ['second'],
      });
      expect([await booked(first), await booked(second)]).toEqual([1, 0]);
    }
    await socket.dispose();
  });
});

/** Valid values for an operation's variables, so that its cost can be computed as the server does. */
function sampleVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): Record<string, unknown> {
  const scalars: Record<string, unknown> = {
    ID: '1',
    String: 'x',
    Int: 1,
    Float: 1,
    Boolean: true,
    DateTime: '2027-03-01T09:00:00Z',
    Date: '2027-03-01',
    JSON: {},
  };
  const sample = (type: GraphQLInputType): unknown => {
    if (isNonNullType(type)) return sample(type.ofType);
    if (isListType(type)) return [sample(type.ofType)];
    if (isEnumType(type)) return type.getValues()[0].name;
    if (isInputObjectType(type))
      return Object.fromEntries(
        Object.values(type.getFields())
          .filter((field) => isNonNullType(field.type))
          .map((field) => [field.name, sample(field.type)]),
      );
    return scalars[type.name];
  };
  return Object.fromEntries(
    (operation.variableDefinitions ?? []).map((definition) => [
      definition.variable.name.value,
      sample(typeFromAST(schema, definition.type) as GraphQLInputType),
    ]),
  );
}

describe('what lists may hold', () => {
  const schema = buildGraphQLSchema();
  /** Every field that lists objects, but a connection's rows (bounded by its `first`). */
  const lists = Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('__') && !type.name.endsWith('Connection'))
    .flatMap((type) =>
      Object.values((type as GraphQLObjectType).getFields())
        .filter((field) => isListType(getNullableType(field.type)) && isObjectType(getNamedType(field.type)))
        .map((field) => ({ name: `${type.name}.${field.name}`, field })),
    );
  const cost = (query: string, variables?: Record<string, unknown>) =>
    operationCost(schema, parse(query), variables).cost ?? NaN;

  it('bounds every list of the schema, states the bound, and prices it', () => {
    expect(lists.length).toBeGreaterThan(25);
    const unbounded = lists.filter(
      ({ field }) =>
        field.extensions.complexity === undefined || !/at most|one entry per/i.test(field.description ?? ''),
    );
    expect(unbounded.map(({ name }) => name)).toEqual([]);
  });

  it('prices a list at its real bound: first, the dates of a range, the cap of a window', () => {
    const page = (first: number) => cost(`{ servicesConnection(first: ${first}) { nodes { id name } } }`);
    const row = page(2) - page(1);
    expect([page(50) - page(1), page(100) - page(1)]).toEqual([49 * row, 99 * row]);
    const generate = (from: string, to: string) =>
      cost(`mutation { generateSlots(scheduleId: 1, from: "${from}", to: "${to}") { id } }`);
    // Working hours make up to 288 slots a day (every 5 minutes); a generation answers at most a slot list's cap.
    expect([generate('2027-03-01', '2027-03-01'), generate('2027-03-01', '2027-03-31')]).toEqual([
      20 + 288,
      20 + MAX_ROWS.slots,
    ]);
    const slots = cost('{ slots(serviceId: 1, from: "2027-03-01T00:00:00Z", to: "2027-03-02T00:00:00Z") { id } }');
    expect(slots).toBe(20 + MAX_ROWS.slots);
    // A long text weighs by what it may hold: a service's description up to 10,000 characters.
    expect(cost('{ services { description } }') - cost('{ services { id } }')).toBe(MAX_ROWS.services * 99);
  });

  it('keeps a cost by the variables it counts: one for every booking input, one per page size and per @include', () => {
    const kept = (query: string, variables: Record<string, unknown>) =>
      cachedCost(schema, query, parse(query), variables);
    const book = 'mutation B($input: BookInput!) { book(input: $input) { id status } }';
    const input = (slotId: string) => ({ input: { slotIds: [slotId], party: { adults: 1 } } });
    expect(kept(book, input('1'))).toBe(kept(book, input('2')));
    expect(kept(book, input('1')).cost).toBe(operationCost(schema, parse(book), input('2')).cost);
    const page = 'query P($first: Int) { servicesConnection(first: $first) { nodes { id name } } }';
    expect(kept(page, { first: 2 }).cost).toBeGreaterThan(kept(page, { first: 1 }).cost!);
    const included = 'query I($all: Boolean!) { me { id } services @include(if: $all) { id name } }';
    expect(kept(included, { all: true }).cost).toBeGreaterThan(kept(included, { all: false }).cost!);
    // Variables that do not coerce cost 0 and are left to execution; that 0 is not kept for valid ones.
    expect(kept(page, { first: 'many' }).cost).toBe(0);
    expect(kept(page, { first: 'many' }).cost).toBe(0);
    expect(kept(page, { first: 3 }).cost).toBeGreaterThan(0);
  });

  it('refuses a slot window over 42 days or holding over 1,000 slots, naming `to`, over HTTP and for every slot list', async () => {
    const server = await startTestServer();
    try {
      const owner = await signUp(server, 'PROVIDER');
      const { id } = await createService(server, owner, { durationMinutes: 15 });
      const start = Date.parse(`${daysFromNow(2)}T00:00:00Z`);
      await server.sql(
        `insert into slot (service_id, starts_at, ends_at, local_date, capacity)
         select $1, at, at + interval '15 minutes', at::date, 5 from generate_series($2::timestamptz, $2::timestamptz + interval '15 minutes' * 1199, interval '15 minutes') at`,
        [id, new Date(start)],
      );
      const at = (days: number) => new Date(start + days * 86_400_000).toISOString();
      const window = (days: number) => `from: "${at(0)}", to: "${at(days)}"`;
      // Both lists are refused; the first refusal may end the operation before the second is read.
      const refusal = (result: GraphQLResult<unknown>) => [
        [...new Set(codes(result))],
        result.errors?.[0].extensions.field,
      ];
      const [tooLong, tooMany, fits] = await Promise.all(
        [window(43), window(12.5), window(10)].map((range) =>
          overHttp(
            server,
            `{ slots(serviceId: ${id}, ${range}) { id } service(id: ${id}) { slots(${range}) { id } } }`,
          ),
        ),
      );
      expect(refusal(tooLong)).toEqual([['BAD_USER_INPUT'], 'to']);
      expect(refusal(tooMany)).toEqual([['BAD_USER_INPUT'], 'to']);
      expect(fits.errors).toBeUndefined();
      expect((fits.data!.slots as unknown[]).length).toBe(960);
      const closing = await overHttp(
        server,
        `mutation { setAvailability(serviceId: ${id}, ${window(12.5)}, open: false) { id } }`,
        undefined,
        owner.token,
      );
      expect(refusal(closing)).toEqual([['BAD_USER_INPUT'], 'to']);
      const [{ closed }] = await server.sql<{ closed: number }>(
        `select count(*)::int as closed from slot where service_id = $1 and status = 'CLOSED'`,
        [id],
      );
      expect(closed).toBe(0);
    } finally {
      await server.stop();
    }
  });
});
