import {
  AvailabilityChangedDocument,
  AvailabilityDocument,
  JoinWaitlistDocument,
  ProviderDocument,
  ServiceDocument,
  ServiceSlotsDocument,
  ServicesDocument,
  SlotsDocument,
  UpdateServiceDocument,
} from '../client/generated/graphql';
import { liveClient, Subscription } from './support/live';
import {
  createService,
  dailySlots,
  daysFromNow,
  logInAdmin,
  signUp,
  startWithAccounts,
  type Account,
} from './support/fixtures';
import { codes, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
beforeAll(async () => ({ server, owner } = await startWithAccounts()));
afterAll(() => server.stop());

describe('an inactive (unpublished) service', () => {
  it('and its slots are hidden from the public and other providers, and shown to its provider and admins', async () => {
    const [customer, rival, admin] = await Promise.all([
      signUp(server, 'CUSTOMER'),
      signUp(server, 'PROVIDER'),
      logInAdmin(server),
    ]);
    const published = await createService(server, owner, { name: 'Published' });
    const hidden = await createService(server, owner, { name: 'Hidden' });
    const [slot] = await dailySlots(server, owner, hidden.id, daysFromNow(3), daysFromNow(3));
    await server.ok(UpdateServiceDocument, { id: hidden.id, input: { active: false } }, owner.token);
    const day = daysFromNow(3);
    const window = { from: `${daysFromNow(2)}T00:00:00Z`, to: `${daysFromNow(5)}T00:00:00Z` };

    for (const who of [undefined, customer, rival]) {
      const token = who?.token;
      expect((await server.ok(ServiceDocument, { id: hidden.id }, token)).service).toBeNull();
      expect(codes(await server.request(SlotsDocument, { serviceId: hidden.id, ...window }, token))).toEqual([
        'NOT_FOUND',
      ]);
      expect(
        codes(await server.request(AvailabilityDocument, { serviceId: hidden.id, month: day.slice(0, 7) }, token)),
      ).toEqual(['NOT_FOUND']);
      const { provider } = await server.ok(ProviderDocument, { id: owner.providerId! }, token);
      expect(provider?.services.map((service) => service.name)).toEqual(['Published']);
      expect(
        (await server.ok(ServicesDocument, { providerId: owner.providerId }, token)).services.map(
          (service) => service.id,
        ),
      ).toEqual([published.id]);
    }
    const join = await server.request(
      JoinWaitlistDocument,
      { input: { serviceId: hidden.id, slotId: slot.id, partySize: 1 } },
      customer.token,
    );
    expect(codes(join)).toEqual(['NOT_FOUND']);
    const follower = liveClient(server.url);
    const live = new Subscription(follower, AvailabilityChangedDocument, { serviceIds: [hidden.id] });
    expect((await live.waitFor(1))[0].errors![0].extensions.code).toBe('NOT_FOUND');
    await follower.dispose();

    for (const who of [owner, admin]) {
      expect((await server.ok(ServiceDocument, { id: hidden.id }, who.token)).service).toMatchObject({
        name: 'Hidden',
        active: false,
      });
      expect(
        (await server.ok(SlotsDocument, { serviceId: hidden.id, ...window }, who.token)).slots.map((s) => s.id),
      ).toEqual([slot.id]);
      const { service } = await server.ok(ServiceSlotsDocument, { id: hidden.id, ...window }, who.token);
      expect(service?.slots.map((s) => s.id)).toEqual([slot.id]);
      const { availability } = await server.ok(
        AvailabilityDocument,
        { serviceId: hidden.id, month: day.slice(0, 7) },
        who.token,
      );
      expect(availability.days.find((d) => d.date === day)?.slotCount).toBe(1);
      const { provider } = await server.ok(ProviderDocument, { id: owner.providerId! }, who.token);
      expect(provider?.services.map((service) => service.name)).toEqual(['Published', 'Hidden']);
    }
  });
});
