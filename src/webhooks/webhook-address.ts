import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { BadInput } from '../core/errors';

const MAX_URL_LENGTH = 2_000;

/**
 * IPv6 prefixes whose last 32 bits are an IPv4 address that a stack may reach instead: IPv4-compatible
 * (`::a.b.c.d`, deprecated but still routed by some), IPv4-mapped (`::ffff:a.b.c.d`).
 */
const CARRIES_IPV4 = ['::/96', '::ffff:0:0/96'].map((cidr) => ipaddr.IPv6.parseCIDR(cidr));

/** A public unicast address: not loopback, private, link-local, unique-local, carrier NAT, multicast or reserved. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  const ip =
    parsed.kind() === 'ipv6' && CARRIES_IPV4.some((cidr) => (parsed as ipaddr.IPv6).match(cidr))
      ? ipaddr.fromByteArray(parsed.toByteArray().slice(-4))
      : parsed;
  return ip.range() === 'unicast';
}

/** A name that only means something inside a network: localhost, *.localhost, *.local, *.internal or a single label. */
function isLocalName(hostname: string): boolean {
  return !hostname.includes('.') || /(^|\.)(localhost|local|internal)\.?$/i.test(hostname);
}

/**
 * A receiver's URL: `https://` on a public host, without credentials; `allowHttp` (WEBHOOKS_ALLOW_HTTP=on,
 * development) also takes `http://` and loopback or private hosts. A host name is checked again at each
 * delivery, on the addresses it resolves to then (`publicOnlyLookup`).
 */
export function parseReceiverUrl(value: string, allowHttp: boolean): string {
  const text = value.trim();
  if (text.length > MAX_URL_LENGTH) throw new BadInput('url', `must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadInput('url', 'is not a valid URL');
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:'))
    throw new BadInput('url', 'must start with https://');
  if (url.username || url.password) throw new BadInput('url', 'must not carry a user name or password');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowHttp && (net.isIP(host) ? !isPublicAddress(host) : isLocalName(host)))
    throw new BadInput('url', 'must be on a public address');
  return url.toString();
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http(s).request that refuses a host resolving to a non-public address, so that a public
 * name cannot be pointed at the server's own network later (DNS rebinding): the address checked is the one connected to.
 */
export function publicOnlyLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused)
      return callback(
        Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: 'EADDRNOTPUBLIC' }),
        '',
      );
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
}
