import { BookDocument, BookingDocument, type MeetingProvider, type ServiceInput } from '../../client/generated/graphql';
import type { Config } from '../../src/config';
import { createService, dailySlots, daysFromNow, signUp, type Account } from './fixtures';
import type { FakeHttpApi } from './fake-http';
import { startTestServer, type TestServer } from './server';

/**
 * A meeting service's test bed (test/zoom.test.ts, test/whereby.test.ts): its fake API, a server using it,
 * a provider with a one-seat service of a slot a day from 5 days ahead, and a customer who books.
 */
export class MeetingBed<Fake extends FakeHttpApi> {
  private constructor(
    readonly fake: Fake,
    readonly server: TestServer,
    readonly owner: Account,
    readonly customer: Account,
    readonly service: { id: string; meetingProvider: string; meetingProviders: string[] },
    readonly slots: { id: string; startsAt: string; endsAt: string }[],
    /** The key prefix of the service's meeting jobs (`zoom-meeting:`). */
    private readonly jobKey: string,
  ) {}

  static async start<Fake extends FakeHttpApi & { url: string }>(
    fake: Fake,
    settings: (url: string) => Partial<Config>,
    setup: { people: [string, string]; service: Partial<ServiceInput>; lastDay: number; jobKey: string },
  ): Promise<MeetingBed<Fake>> {
    const server = await startTestServer(settings(fake.url));
    const [owner, customer] = await Promise.all([
      signUp(server, 'PROVIDER', setup.people[0]),
      signUp(server, 'CUSTOMER', setup.people[1]),
    ]);
    const service = await createService(server, owner, { ...setup.service, capacity: 1 });
    const slots = await dailySlots(server, owner, service.id, daysFromNow(5), daysFromNow(setup.lastDay));
    return new MeetingBed(fake, server, owner, customer, service, slots, setup.jobKey);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.fake.stop();
  }

  /** The customer books one seat of a slot, choosing the meeting provider or not. */
  async book(slotId: string, meetingProvider?: MeetingProvider) {
    const input = { slotIds: [slotId], party: { adults: 1 }, meetingProvider };
    return (await this.server.ok(BookDocument, { input }, this.customer.token)).book;
  }

  /** The booking's meeting link, as its customer reads it. */
  async meetingUrl(bookingId: string) {
    return (await this.server.ok(BookingDocument, { id: bookingId }, this.customer.token)).booking?.meetingUrl;
  }

  /** The booking's meeting job as graphile-worker keeps it: its attempts, last error and when it runs next. */
  async job(bookingId: string) {
    const [job] = await this.server.sql<{ attempts: number; last_error: string; run_at: Date; wait: number }>(
      `select attempts, last_error, run_at, extract(epoch from run_at - now())::float as wait from graphile_worker.jobs where key = $1`,
      [`${this.jobKey}${bookingId}`],
    );
    return job;
  }
}
