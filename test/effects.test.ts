import { AuditSubject } from '../src/core/audit';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { BookDocument } from '../client/generated/graphql';
import { inTransaction, trySavepoint, type TxContext } from '../src/core/context';
import { Effects, type Effect } from '../src/core/effects';
import { raw, sql } from '../src/core/sql';
import { systemClock } from '../src/core/clock';
import { DomainError } from '../src/core/errors';
import { ormOptions } from '../src/infra/orm';
import { ownerAndCustomer, serviceWithSlots } from './support/fixtures';
import { eventually } from './support/live';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let orm: MikroORM;
let bookingId: number;

beforeAll(async () => {
  server = await startTestServer();
  const { owner, customer } = await ownerAndCustomer(server);
  const {
    slots: [slot],
  } = await serviceWithSlots(server, owner, {}, 3);
  const { book } = await server.ok(
    BookDocument,
    { input: { slotIds: [slot.id], party: { adults: 1 } } },
    customer.token,
  );
  bookingId = Number(book.id);
  orm = await MikroORM.init(ormOptions(server.databaseUrl));
});
afterAll(async () => {
  await orm.close();
  await server.stop();
});

const FAR = new Date('2099-01-01T00:00:00Z');

/**
 * One effect of every kind, named by `tag`: the record's type makes this test fail to compile when a kind
 * is added to `Effect` and not tried here.
 */
function oneOfEach(tag: string, ran: string[]): { [K in Effect['kind']]: Extract<Effect, { kind: K }> } {
  return {
    audit: {
      kind: 'audit',
      row: {
        subject: AuditSubject.BOOKING,
        subjectId: bookingId,
        action: `test.${tag}`,
        actorId: null,
        before: null,
        after: { tag },
        reason: tag,
        ip: null,
        userAgent: null,
        at: new Date(),
      },
    },
    notice: { kind: 'notice', channel: 'effects_test', payload: JSON.stringify({ tag }) },
    job: {
      kind: 'job',
      job: { task: 'send_message', payload: { messageId: -1 }, runAt: FAR, jobKey: `effects-test-add:${tag}` },
    },
    removeJob: { kind: 'removeJob', jobKey: `effects-test-remove:${tag}` },
    rows: {
      kind: 'rows',
      build: (name) => ({
        ctes: [
          sql`${raw(name)} as (insert into stripe_event (id, type, payload, received_at) values (${`evt_effects_${tag}`}, 'test', '{}', now()) returning id)`,
        ],
        calls: [raw(`(select count(*) from ${name}) as ${name}`)],
      }),
    },
    afterCommit: { kind: 'afterCommit', run: () => ran.push(tag) },
  };
}

/** What each kind of effect named `tag` left in the database. */
async function leftBehind(tag: string) {
  const [row] = await server.sql<{ audits: string; added: string; removed: string; rows: string }>(
    `select (select count(*) from audit_entry where action = $1) as audits,
            (select count(*) from graphile_worker.jobs where key = $2) as added,
            (select count(*) from graphile_worker.jobs where key = $3) as removed,
            (select count(*) from stripe_event where id = $4) as rows`,
    [`test.${tag}`, `effects-test-add:${tag}`, `effects-test-remove:${tag}`, `evt_effects_${tag}`],
  );
  return row;
}

describe('effects', () => {
  it('absorb takes over every kind of effect, in order', () => {
    const inner = new Effects();
    const effects = Object.values(oneOfEach('unit', []));
    for (const effect of effects) inner.add(effect);
    const outer = new Effects();
    outer.absorb(inner);
    expect(outer.all).toEqual(effects);
  });

  it('every kind survives a savepoint that stood, none of a savepoint that failed, and rows of both sides get names of their own', async () => {
    for (const tag of ['outer', 'kept', 'undone'])
      await server.sql(
        `select graphile_worker.add_job('send_message', '{"messageId":-1}', run_at => $1, job_key => $2)`,
        [FAR.toISOString(), `effects-test-remove:${tag}`],
      );
    const listener = new Client({ connectionString: server.databaseUrl });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (message) => heard.push(JSON.parse(message.payload!).tag));
    await listener.query('listen effects_test');
    const ran: string[] = [];
    try {
      await inTransaction({ em: orm.em.fork(), clock: systemClock }, async (tx: TxContext) => {
        for (const effect of Object.values(oneOfEach('outer', ran))) tx.effects.add(effect);
        const kept = await trySavepoint(tx, async (inner) => {
          for (const effect of Object.values(oneOfEach('kept', ran))) inner.effects.add(effect);
        });
        const undone = await trySavepoint(tx, async (inner) => {
          for (const effect of Object.values(oneOfEach('undone', ran))) inner.effects.add(effect);
          throw new DomainError('INVALID_TRANSITION', 'refused');
        });
        expect([kept, undone]).toEqual([true, false]);
        expect(ran).toEqual([]); // not before the commit
      });
      expect(await leftBehind('outer')).toEqual({ audits: '1', added: '1', removed: '0', rows: '1' });
      expect(await leftBehind('kept')).toEqual({ audits: '1', added: '1', removed: '0', rows: '1' });
      expect(await leftBehind('undone')).toEqual({ audits: '0', added: '0', removed: '1', rows: '0' });
      expect(ran).toEqual(['outer', 'kept']);
      await eventually(async () => heard.length >= 2);
      expect(heard).toEqual(['outer', 'kept']);
    } finally {
      await listener.end();
    }
  });

  it('a job without a key is a row of the outbox, moved into the queue by the job runner at once, or on its next look without a notice', async () => {
    // Each job is told apart by its run time (the queue's public view shows no payload).
    const at = (seconds: number) => new Date(FAR.getTime() + seconds * 1000);
    const queued = async (runAt: Date) =>
      (
        await server.sql<{ n: string }>(
          `select count(*) as n from graphile_worker.jobs where task_identifier = 'send_message' and run_at = $1 and key is null`,
          [runAt.toISOString()],
        )
      )[0].n === '1';
    await inTransaction({ em: orm.em.fork(), clock: systemClock }, async (tx: TxContext) => {
      tx.effects.addJob({ task: 'send_message', payload: { messageId: -1 }, runAt: at(7) });
    });
    await eventually(() => queued(at(7)));
    // As if written while the runner's LISTEN connection was away: no notice reaches it.
    await server.sql(
      `insert into job_outbox (task, payload, run_at, max_attempts) values ('send_message', '{"messageId":-1}', $1, 1)`,
      [at(8).toISOString()],
    );
    await eventually(() => queued(at(8)));
    expect(await server.sql('select count(*) as n from job_outbox')).toEqual([{ n: '0' }]);
  });
});
