import { BadInput } from '../core/errors';

/** At most this many sites may frame one provider's pages. */
export const MAX_EMBED_ORIGINS = 10;

/**
 * A site that may frame a provider's calendar pages, as its origin: https://host[:port] (http only for
 * localhost, to try it out); anything else is refused naming `field`.
 */
export function parseEmbedOrigin(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new BadInput(field, 'must be an origin such as https://www.example.com');
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local))
    throw new BadInput(field, 'must be an https:// origin (http:// only for localhost)');
  if (url.origin !== value.trim().replace(/\/$/, ''))
    throw new BadInput(field, `must be an origin alone, without path, query or user: ${url.origin}`);
  return url.origin;
}
