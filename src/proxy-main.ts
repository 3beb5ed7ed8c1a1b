/**
 * The deployment kit's front door (compose.yaml's `proxy`): one port whose requests and WebSocket
 * upgrades are spread, in turn, over the API processes listed in UPSTREAMS. No sticky sessions are needed:
 * a subscription lives on its socket, and every API process delivers the changes of every process.
 */
import http, { type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createProxyServer } from 'http-proxy-3';

/** UPSTREAMS: comma-separated base URLs of the API processes, e.g. http://api-1:4000,http://api-2:4000. */
function upstreams(): URL[] {
  const list = (process.env.UPSTREAMS ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean)
    .map((url) => URL.parse(url));
  if (!list.length || list.some((url) => url === null))
    throw new Error(
      `UPSTREAMS must list the API processes' URLs, e.g. http://api-1:4000, got "${process.env.UPSTREAMS ?? ''}"`,
    );
  return list as URL[];
}

const UNREACHABLE = JSON.stringify({
  errors: [{ message: 'The API is not reachable right now: retry in a moment', extensions: { code: 'BAD_GATEWAY' } }],
});

function main(): void {
  const targets = upstreams();
  let turn = 0;
  const next = () => targets[turn++ % targets.length];
  // xfwd: the API processes learn the client's address from X-Forwarded-For (TRUST_PROXY=1 there).
  const proxy = createProxyServer({ xfwd: true });
  proxy.on('error', (error, _req, target) => {
    const res = target as ServerResponse | Socket;
    if ('writeHead' in res && !res.headersSent)
      res.writeHead(502, { 'content-type': 'application/json' }).end(UNREACHABLE);
    else res.destroy();
    console.error(JSON.stringify({ level: 40, msg: 'upstream failed', err: error.message }));
  });
  const server = http.createServer((req, res) => proxy.web(req, res, { target: next() }));
  server.on('upgrade', (req, socket, head) => proxy.ws(req, socket, head, { target: next() }));
  const port = Number(process.env.PORT ?? 8080);
  server.listen({ port, host: process.env.HOST || undefined }, () => {
    const { port: listening } = server.address() as { port: number };
    console.log(
      JSON.stringify({
        level: 30,
        msg: `Proxy ready at http://localhost:${listening}/graphql`,
        upstreams: targets.map(String),
      }),
    );
  });
  // Upgraded sockets are no longer the server's: their API processes close them as they stop.
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
