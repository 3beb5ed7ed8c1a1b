import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredObject {
  body: Buffer;
  contentType?: string;
}

/**
 * A local HTTP server speaking the parts of S3 the server uses, path-style (`/<bucket>/<key>`): PutObject,
 * GetObject, HeadObject and DeleteObject (204 whether or not the key exists, as S3 answers without
 * versioning), with S3's XML error for a missing key. It records each request's signature
 * header, so that a test sees the real SDK signed it.
 */
export class FakeS3 {
  readonly objects = new Map<string, StoredObject>();
  readonly requests: { method: string; path: string; authorization?: string }[] = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeS3> {
    const server = http.createServer();
    const fake = new FakeS3(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(req.url ?? '/', this.url).pathname);
    this.requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method === 'PUT') {
      this.objects.set(path, { body: Buffer.concat(chunks), contentType: req.headers['content-type'] });
      res.writeHead(200, { etag: `"${this.objects.size}"` }).end();
      return;
    }
    if (req.method === 'DELETE') {
      this.objects.delete(path);
      res.writeHead(204).end();
      return;
    }
    const object = this.objects.get(path);
    if (!object) {
      const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${path}</Key></Error>`;
      res.writeHead(404, { 'content-type': 'application/xml' }).end(req.method === 'HEAD' ? undefined : xml);
      return;
    }
    res.writeHead(200, {
      'content-type': object.contentType ?? 'application/octet-stream',
      'content-length': String(object.body.length),
    });
    res.end(req.method === 'HEAD' ? undefined : object.body);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
