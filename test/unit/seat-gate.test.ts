import type { RequestContext } from '../../src/core/context';
import { DomainError } from '../../src/core/errors';
import { SeatGate } from '../../src/booking/seat-gate';

/** A promise settled from outside: a database answer the test gives when it chooses. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const ctx = {} as RequestContext;
const slot = (left: number) => ({ id: 1, capacity: 20, booked: 20 - left, held: 0 });
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'BOOKED',
    (error) => (error instanceof DomainError ? error.code : 'FAILED'),
  );
/** Lets every promise callback that can run, run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the seat gate', () => {
  it('sends as many writes as there are seats, and refuses the rest with one shared read', async () => {
    const reads: number[] = [];
    const gate = new SeatGate(async () => {
      reads.push(0);
      return 0;
    });
    let writes = 0;
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        outcome(
          gate.through(ctx, [slot(7)], 1, async () => {
            writes += 1;
            await settle();
          }),
        ),
      ),
    );
    expect(writes).toBe(7);
    expect(results.filter((r) => r === 'BOOKED')).toHaveLength(7);
    expect(results.filter((r) => r === 'CAPACITY_EXCEEDED')).toHaveLength(33);
    expect(reads).toHaveLength(1);
  });

  it('lets a waiting booking through when the write ahead of it failed and the read finds the seat', async () => {
    const gate = new SeatGate(async () => 1);
    const first = deferred<void>();
    const a = outcome(gate.through(ctx, [slot(1)], 1, () => first.promise));
    let secondWrote = false;
    const b = outcome(
      gate.through(ctx, [slot(1)], 1, async () => {
        secondWrote = true;
      }),
    );
    await settle();
    expect(secondWrote).toBe(false); // waits behind the write that would take the last seat
    first.reject(new Error('payment provider down'));
    expect(await a).toBe('FAILED');
    expect(await b).toBe('BOOKED');
    expect(secondWrote).toBe(true);
  });

  it('never refuses on a read sent before the booking arrived', async () => {
    const answers = [deferred<number>(), deferred<number>()];
    let asked = 0;
    const gate = new SeatGate(() => answers[asked++].promise);
    const write = deferred<void>();
    const a = outcome(gate.through(ctx, [slot(1)], 1, () => write.promise));
    const b = outcome(gate.through(ctx, [slot(1)], 1, async () => {}));
    await settle();
    write.reject(new Error('refused by the database'));
    await settle();
    expect(asked).toBe(1); // b reads: nothing is in flight and the seats are unknown
    const c = outcome(gate.through(ctx, [slot(1)], 1, async () => {}));
    await settle();
    answers[0].resolve(0); // full when b asked: b is refused, c arrived after that read was sent
    expect(await b).toBe('CAPACITY_EXCEEDED');
    await settle();
    expect(asked).toBe(2);
    answers[1].resolve(1); // a seat was freed meanwhile: c takes it
    expect(await c).toBe('BOOKED');
    expect(await a).toBe('FAILED');
  });
});
