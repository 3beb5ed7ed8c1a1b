import { serverAudits } from 'graphql-http';
import { startTestServer, type TestServer } from './support/server';

/** The GraphQL-over-HTTP spec's MUST audits (graphql-http), against the real server. */
describe.each([
  ['development', false],
  ['production', true],
])('GraphQL over HTTP in %s', (_mode, production) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ production });
  });
  afterAll(() => server.stop());

  it('passes every MUST of the graphql-http audit', async () => {
    const musts = serverAudits({ url: () => server.url, fetchFn: fetch }).filter((audit) =>
      audit.name.startsWith('MUST'),
    );
    expect(musts.length).toBeGreaterThanOrEqual(13);
    const failures: string[] = [];
    for (const audit of musts) {
      const result = await audit.fn();
      if (result.status !== 'ok') failures.push(`${audit.name}: ${result.reason}`);
    }
    expect(failures).toEqual([]);
  });
});
