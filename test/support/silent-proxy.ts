import net from 'node:net';

/**
 * A TCP proxy in front of a local port that can go silent, as a database behind a dead network does:
 * connections stay open, and nothing passes either way any more.
 */
export class SilentProxy {
  private readonly sockets = new Set<net.Socket>();
  private readonly clients = new Set<net.Socket>();
  private silent = false;
  private swallowed?: () => void;

  private constructor(private readonly server: net.Server) {}

  static async start(targetPort: number): Promise<SilentProxy> {
    const server = net.createServer();
    const proxy = new SilentProxy(server);
    server.on('connection', (client) => proxy.connect(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  private connect(client: net.Socket, targetPort: number): void {
    this.track(client);
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    if (this.silent) return this.swallow(client);
    const upstream = this.track(net.connect(targetPort, '127.0.0.1'));
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
  }

  private track(socket: net.Socket): net.Socket {
    this.sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }

  /** Drops what arrives on a socket; a client sending something is reported. */
  private swallow(socket: net.Socket): void {
    socket.removeAllListeners('data');
    socket.on('data', () => {
      if (this.clients.has(socket)) this.swallowed?.();
    });
    socket.resume(); // unpipe left it paused
  }

  /** From now on nothing passes; resolves once a client has sent something into the silence. */
  silence(): Promise<void> {
    this.silent = true;
    const swallowed = new Promise<void>((resolve) => (this.swallowed = resolve));
    for (const socket of this.sockets) {
      socket.unpipe();
      this.swallow(socket);
    }
    return swallowed;
  }

  /** Ends every connection (those waiting on it see it fail) and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
