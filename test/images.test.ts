import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import {
  AttachServiceImageDocument,
  RemoveServiceImageDocument,
  ServiceImagesDocument,
  SetProviderAvatarDocument,
} from '../client/generated/graphql';
import { FakeS3 } from './support/fake-s3';
import { createService, jobsSettled, runJobsNow, signUp, type Account } from './support/fixtures';
import { startTestServer, type GraphQLResult, type TestServer } from './support/server';

let server: TestServer;
let s3Server: TestServer;
let s3: FakeS3;
let uploadsDir: string;
let owner: Account;
let other: Account;

beforeAll(async () => {
  uploadsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uploads-'));
  s3 = await FakeS3.start();
  // The SDK reads its credentials from the usual AWS variables.
  process.env.AWS_ACCESS_KEY_ID = 'test-key';
  process.env.AWS_SECRET_ACCESS_KEY = 'test-secret';
  server = await startTestServer({ images: { uploadsDir } });
  s3Server = await startTestServer({
    images: { uploadsDir, s3: { bucket: 'pictures', endpoint: s3.url, region: 'eu-south-1', forcePathStyle: true } },
  });
  [owner, other] = await Promise.all([signUp(server, 'PROVIDER'), signUp(server, 'PROVIDER')]);
});
afterAll(async () => {
  await Promise.all([server.stop(), s3Server.stop()]);
  await s3.stop();
  fs.rmSync(uploadsDir, { recursive: true, force: true });
});

const base = (on: TestServer) => on.url.replace('/graphql', '');
/** An answered URL (on PUBLIC_URL) as served by this test server, which listens on a port of its own. */
const local = (on: TestServer, url: unknown) => `${base(on)}${new URL(String(url)).pathname}`;

async function upload(
  on: TestServer,
  body: Buffer,
  name: string,
  type: string,
  token?: string,
): Promise<{ status: number; json: Record<string, unknown> & GraphQLResult<unknown> }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(body)], { type }), name);
  const response = await fetch(`${base(on)}/uploads`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> & GraphQLResult<unknown> };
}

/** A photo 3,000 px wide that carries EXIF metadata. */
const photo = () =>
  sharp({ create: { width: 3000, height: 1500, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .withExif({ IFD0: { Copyright: 'Somebody', Artist: 'Camera owner' } })
    .jpeg()
    .toBuffer();

/** A valid PNG of `width` x `height` black pixels, 16 bits per sample (RGB): small, and width x height x 6 bytes once decoded. */
function pngBomb(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([16, 2, 0, 0, 0], 8); // 16 bits, RGB, deflate, no filter method, no interlace
  const rows = zlib.deflateSync(Buffer.alloc(height * (1 + width * 6)), { level: 9 }); // each row: filter 0, zeros
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

const imageRows = async (on: TestServer) =>
  Number((await on.sql<{ n: string }>('select count(*) as n from image'))[0].n);

describe('image uploads', () => {
  it('re-encode a JPEG at most 2,000 px wide without metadata, stored on disk and served for a year with an ETag', async () => {
    const { status, json } = await upload(server, await photo(), 'beach.jpg', 'image/jpeg', owner.token);
    expect(status).toBe(201);
    expect(json).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: `http://localhost:4000/images/${json.id}.jpg`,
      width: 2000,
      height: 1000,
    });
    expect(fs.existsSync(path.join(uploadsDir, `${json.id}.jpg`))).toBe(true);
    const response = await fetch(local(server, json.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = response.headers.get('etag');
    expect(etag).toBe(`"${json.id}"`);
    const served = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(served).toMatchObject({ format: 'jpeg', width: 2000, height: 1000 });
    expect(served.exif).toBeUndefined();
    expect((await fetch(local(server, json.url), { headers: { 'if-none-match': etag! } })).status).toBe(304);
    expect((await fetch(`${base(server)}/images/${randomBytes(4).toString('hex')}.jpg`)).status).toBe(404);
    const [row] = await server.sql<{ uploader_id: number; format: string }>(
      'select uploader_id, format from image where id = $1',
      [json.id],
    );
    expect(row).toEqual({ uploader_id: Number(owner.userId), format: 'jpeg' });
  });

  it('refuse a text file named .png, a 6 MB image and a caller who is not signed in, storing nothing', async () => {
    const before = await imageRows(server);
    const text = await upload(
      server,
      Buffer.from('just some words, not a picture\n'.repeat(20)),
      'cat.png',
      'image/png',
      owner.token,
    );
    expect(text.status).toBe(400);
    expect(text.json.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'file' });
    // Noise does not compress: a PNG of it is over 6 MB.
    const noise = await sharp(randomBytes(1500 * 1400 * 3), { raw: { width: 1500, height: 1400, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(noise.length).toBeGreaterThan(6_000_000);
    const large = await upload(server, noise, 'big.png', 'image/png', owner.token);
    expect(large.status).toBe(413);
    expect(large.json.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'file' });
    // Sent chunked, with no length to refuse it by: cut off once 5 MB of the file were read.
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(noise)], { type: 'image/png' }), 'big.png');
    const encoded = new Request('http://localhost/', { method: 'POST', body: form });
    const streamed = await fetch(`${base(server)}/uploads`, {
      method: 'POST',
      body: encoded.body,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': encoded.headers.get('content-type')! },
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const anonymous = await upload(server, await photo(), 'beach.jpg', 'image/jpeg');
    expect([anonymous.status, anonymous.json.errors![0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
    const empty = await fetch(`${base(server)}/uploads`, {
      method: 'POST',
      body: new FormData(),
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect([empty.status, ((await empty.json()) as GraphQLResult<unknown>).errors![0].extensions.field]).toEqual([
      400,
      'file',
    ]);
    expect(await imageRows(server)).toBe(before);
  });

  it('refuse a 7000 x 7000 16-bit PNG (290 kB, 294 MB decoded) from its header, before decoding it', async () => {
    const before = await imageRows(server);
    const bomb = pngBomb(7000, 7000);
    expect(bomb.length).toBeLessThan(1_000_000);
    expect(await sharp(bomb).metadata()).toMatchObject({ format: 'png', width: 7000, height: 7000, depth: 'ushort' });
    const { status, json } = await upload(server, bomb, 'bomb.png', 'image/png', owner.token);
    expect(status).toBe(400);
    expect(json.errors![0]).toMatchObject({
      message: expect.stringContaining('7000 x 7000 pixels of 16 bits'),
      extensions: { code: 'BAD_USER_INPUT', field: 'file' },
    });
    // The pixel bound alone: 8 bits and 41 megapixels.
    const wide = await upload(server, pngBomb(8200, 5000), 'wide.png', 'image/png', owner.token);
    expect([wide.status, wide.json.errors![0].extensions.field]).toEqual([400, 'file']);
    expect(await imageRows(server)).toBe(before);
  });

  it('are attached to a service and set as an avatar by their uploader only', async () => {
    const service = await createService(server, owner);
    const png = await sharp({ create: { width: 400, height: 300, channels: 4, background: '#ff000080' } })
      .png()
      .toBuffer();
    const mine = (await upload(server, png, 'a.png', 'image/png', owner.token)).json;
    const theirs = (await upload(server, png, 'b.png', 'image/png', other.token)).json;
    expect(mine).toMatchObject({ width: 400, height: 300, url: expect.stringMatching(/\.png$/) });

    const refused = await server.request(
      AttachServiceImageDocument,
      { serviceId: service.id, imageId: String(theirs.id) },
      owner.token,
    );
    expect(refused.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'imageId' });
    expect(
      (
        await server.request(
          AttachServiceImageDocument,
          { serviceId: service.id, imageId: String(theirs.id) },
          other.token,
        )
      ).errors![0].extensions.code,
    ).toBe('FORBIDDEN');
    const { attachServiceImage } = await server.ok(
      AttachServiceImageDocument,
      { serviceId: service.id, imageId: String(mine.id), alt: 'The red boat' },
      owner.token,
    );
    expect(attachServiceImage.images).toEqual([
      { id: mine.id, url: mine.url, width: 400, height: 300, alt: 'The red boat' },
    ]);
    const { services } = await server.ok(ServiceImagesDocument, { providerId: owner.providerId! });
    expect(services.find((s) => s.id === service.id)?.images).toEqual([
      { id: mine.id, url: mine.url, alt: 'The red boat' },
    ]);

    expect(
      (await server.request(SetProviderAvatarDocument, { imageId: String(theirs.id) }, owner.token)).errors![0]
        .extensions.field,
    ).toBe('imageId');
    expect(
      (await server.ok(SetProviderAvatarDocument, { imageId: String(mine.id) }, owner.token)).setProviderAvatar.avatar,
    ).toEqual({ id: mine.id, url: mine.url, width: 400, height: 300 });
    expect(
      (await server.ok(SetProviderAvatarDocument, { imageId: null }, owner.token)).setProviderAvatar.avatar,
    ).toBeNull();

    expect(
      (await server.ok(RemoveServiceImageDocument, { serviceId: service.id, imageId: String(mine.id) }, owner.token))
        .removeServiceImage.images,
    ).toEqual([]);
    expect(
      (
        await server.request(
          RemoveServiceImageDocument,
          { serviceId: service.id, imageId: String(mine.id) },
          owner.token,
        )
      ).errors![0].extensions.field,
    ).toBe('imageId');
  });

  it('are stored in S3 with the AWS SDK when S3_BUCKET is set, and served from there', async () => {
    const uploader = await signUp(s3Server, 'CUSTOMER');
    const webp = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#00aa00' } })
      .webp()
      .toBuffer();
    const { status, json } = await upload(s3Server, webp, 'green.webp', 'application/octet-stream', uploader.token);
    expect([status, json.width, json.height]).toEqual([201, 120, 80]);
    const stored = s3.objects.get(`/pictures/${json.id}.webp`);
    expect(stored?.contentType).toBe('image/webp');
    expect(s3.requests.find((request) => request.method === 'PUT')?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test-key\//,
    );
    expect(fs.existsSync(path.join(uploadsDir, `${json.id}.webp`))).toBe(false);
    const response = await fetch(local(s3Server, json.url));
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'image/webp']);
    expect(Buffer.from(await response.arrayBuffer()).equals(stored!.body)).toBe(true);
    expect(
      (
        await fetch(
          `${base(s3Server)}/images/${randomBytes(16)
            .toString('hex')
            .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}.webp`,
        )
      ).status,
    ).toBe(404);
  });
});

describe('stored images', () => {
  const png = () =>
    sharp({ create: { width: 60, height: 40, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
  const stored = (on: TestServer, id: unknown, ext: string) =>
    on === server ? fs.existsSync(path.join(uploadsDir, `${id}.${ext}`)) : s3.objects.has(`/pictures/${id}.${ext}`);

  it.each([
    ['on disk', () => server],
    ['in S3', () => s3Server],
  ])(
    '%s are deleted when removed from their last service or replaced as the avatar, not while shown elsewhere',
    async (_where, target) => {
      const on = target();
      const provider = await signUp(on, 'PROVIDER');
      const [first, second] = await Promise.all([createService(on, provider), createService(on, provider)]);
      const shared = (await upload(on, await png(), 'a.png', 'image/png', provider.token)).json;
      const avatar = (await upload(on, await png(), 'b.png', 'image/png', provider.token)).json;
      const next = (await upload(on, await png(), 'c.png', 'image/png', provider.token)).json;
      for (const service of [first, second])
        await on.ok(AttachServiceImageDocument, { serviceId: service.id, imageId: String(shared.id) }, provider.token);
      await on.ok(SetProviderAvatarDocument, { imageId: String(avatar.id) }, provider.token);

      // Removed from one service, still shown on the other: kept.
      await on.ok(RemoveServiceImageDocument, { serviceId: first.id, imageId: String(shared.id) }, provider.token);
      await jobsSettled(on);
      expect(stored(on, shared.id, 'png')).toBe(true);
      expect((await fetch(local(on, shared.url))).status).toBe(200);
      // Removed from the last one: its row and its bytes go, and its URL answers 404.
      await on.ok(RemoveServiceImageDocument, { serviceId: second.id, imageId: String(shared.id) }, provider.token);
      await jobsSettled(on);
      expect(stored(on, shared.id, 'png')).toBe(false);
      expect((await on.sql('select 1 from image where id = $1', [shared.id])).length).toBe(0);
      expect((await fetch(local(on, shared.url))).status).toBe(404);

      // A replaced avatar goes; the new one stays.
      await on.ok(SetProviderAvatarDocument, { imageId: String(next.id) }, provider.token);
      await jobsSettled(on);
      expect([stored(on, avatar.id, 'png'), stored(on, next.id, 'png')]).toEqual([false, true]);
      // A cleared one too.
      await on.ok(SetProviderAvatarDocument, { imageId: null }, provider.token);
      await jobsSettled(on);
      expect(stored(on, next.id, 'png')).toBe(false);
    },
  );

  it('an upload that nothing shows a day later is deleted; one attached by then is kept', async () => {
    const provider = await signUp(server, 'PROVIDER');
    const service = await createService(server, provider);
    const unused = (await upload(server, await png(), 'u.png', 'image/png', provider.token)).json;
    const used = (await upload(server, await png(), 'v.png', 'image/png', provider.token)).json;
    await server.ok(AttachServiceImageDocument, { serviceId: service.id, imageId: String(used.id) }, provider.token);
    const [{ run_at }] = await server.sql<{ run_at: Date }>(`select run_at from graphile_worker.jobs where key = $1`, [
      `discard-image:${unused.id}`,
    ]);
    expect(new Date(run_at).getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);
    await runJobsNow(server, 'discard_image'); // as a day later
    expect([stored(server, unused.id, 'png'), stored(server, used.id, 'png')]).toEqual([false, true]);
    const rows = await server.sql<{ id: string }>('select id from image where id = any($1)', [[unused.id, used.id]]);
    expect(rows.map((row) => row.id)).toEqual([used.id]);
  });
});
