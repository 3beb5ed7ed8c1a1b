import {
  CreateServiceDocument,
  ProviderDocument,
  ServiceDocument,
  ServicesDocument,
  UpdateServiceDocument,
} from '../client/generated/graphql';
import { SERVICE, createService, logInAdmin, signUp, type Account } from './support/fixtures';
import { codes, startTestServer, type TestServer } from './support/server';

let server: TestServer;
let owner: Account;
let rival: Account;
let customer: Account;
beforeAll(async () => {
  server = await startTestServer();
  [owner, rival, customer] = await Promise.all([
    signUp(server, 'PROVIDER', 'Owner'),
    signUp(server, 'PROVIDER', 'Rival'),
    signUp(server, 'CUSTOMER'),
  ]);
});
afterAll(() => server.stop());

describe('services', () => {
  it('creates a service with defaults and exact money', async () => {
    const service = await createService(server, owner, {
      category: 'Beach',
      priceAmount: '19.5',
      childRate: 0.5,
      taxRate: 0.1,
    });
    expect(service).toMatchObject({
      price: { amount: '19.50', currency: 'EUR' },
      category: 'beach',
      childRate: 0.5,
      infantRate: 0,
      taxRate: 0.1,
      bookingMode: 'INSTANT',
      requiresPayment: false,
      minPartySize: 1,
      maxPartySize: 10,
      cutoffHours: 0,
      advanceDays: 365,
      meetingProvider: 'NONE',
      active: true,
      provider: { id: owner.providerId, name: 'Owner' },
    });
    const yen = await createService(server, owner, { currency: 'jpy', priceAmount: '1500' });
    expect(yen.price).toEqual({ amount: '1500', currency: 'JPY' });
  });

  it('refuses bad input field by field and stores nothing', async () => {
    const cases: [object, string][] = [
      [{ timezone: 'Europe/Atlantis' }, 'timezone'],
      [{ capacity: 0 }, 'capacity'],
      [{ durationMinutes: -5 }, 'durationMinutes'],
      [{ priceAmount: '12.345' }, 'priceAmount'],
      [{ priceAmount: 'ten' }, 'priceAmount'],
      [{ priceAmount: '-1' }, 'priceAmount'],
      [{ currency: 'EURO' }, 'currency'],
      [{ taxRate: 1.5 }, 'taxRate'],
      [{ minPartySize: 5, maxPartySize: 2 }, 'minPartySize'],
    ];
    for (const [input, field] of cases) {
      const result = await server.request(
        CreateServiceDocument,
        { input: { ...SERVICE, name: 'Refused', ...input } },
        owner.token,
      );
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0].message).toContain(field);
    }
    expect(await server.sql(`select id from service where name = 'Refused'`)).toHaveLength(0);
  });

  it('lets only providers create, and only the owner or an admin update', async () => {
    expect(codes(await server.request(CreateServiceDocument, { input: SERVICE }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await server.request(CreateServiceDocument, { input: SERVICE }, customer.token))).toEqual([
      'FORBIDDEN',
    ]);
    const service = await createService(server, owner);
    expect(
      codes(await server.request(UpdateServiceDocument, { id: service.id, input: { name: 'Stolen' } }, rival.token)),
    ).toEqual(['FORBIDDEN']);
    expect(
      codes(await server.request(UpdateServiceDocument, { id: service.id, input: { name: 'Stolen' } }, customer.token)),
    ).toEqual(['FORBIDDEN']);
    const { updateService } = await server.ok(
      UpdateServiceDocument,
      { id: service.id, input: { name: 'Renamed', capacity: 12, priceAmount: '30' } },
      owner.token,
    );
    expect(updateService).toMatchObject({ name: 'Renamed', capacity: 12, price: { amount: '30.00' } });
    const admin = await logInAdmin(server);
    const { updateService: byAdmin } = await server.ok(
      UpdateServiceDocument,
      { id: service.id, input: { active: false } },
      admin.token,
    );
    expect(byAdmin.active).toBe(false);
    expect(
      codes(await server.request(UpdateServiceDocument, { id: '999999', input: { name: 'x' } }, owner.token)),
    ).toEqual(['NOT_FOUND']);
  });

  it('searches by text, category and provider, showing active services only', async () => {
    const seller = await signUp(server, 'PROVIDER', 'Seller');
    const kayak = await createService(server, seller, {
      name: 'Kayak tour',
      category: 'Tours',
      description: 'Paddle the caves',
    });
    const hidden = await createService(server, seller, { name: 'Kayak night', category: 'tours' });
    await server.ok(UpdateServiceDocument, { id: hidden.id, input: { active: false } }, seller.token);
    await createService(server, seller, { name: 'Massage', category: 'wellness' });
    const ids = async (vars: object) => (await server.ok(ServicesDocument, vars)).services.map((s) => s.id);
    expect(await ids({ search: 'kayak' })).toEqual([kayak.id]);
    expect(await ids({ search: 'CAVES' })).toEqual([kayak.id]);
    expect(await ids({ search: '%' })).toEqual([]);
    expect(await ids({ category: 'TOURS', providerId: seller.providerId })).toEqual([kayak.id]);
    expect(await ids({ providerId: seller.providerId })).toHaveLength(2);
    const { provider } = await server.ok(ProviderDocument, { id: seller.providerId! });
    expect(provider?.services.map((s) => s.name).sort()).toEqual(['Kayak tour', 'Massage']);
    expect((await server.ok(ServiceDocument, { id: '424242' })).service).toBeNull();
  });
});
