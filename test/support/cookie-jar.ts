/**
 * One browser's cookies for a test server, as far as the OAuth routes need them: `Set-Cookie` answers are
 * kept (by name and path; `Max-Age=0` removes), and sent back to URLs under their path. Redirects are
 * not followed, so that a test sees each answer (and sends the browser on where it chooses).
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const { pathname } = new URL(url);
    const cookie = [...this.cookies]
      .filter(([, { path }]) => pathname.startsWith(path))
      .map(([name, { value }]) => `${name}=${value}`)
      .join('; ');
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const [name, ...value] = pair.split('=');
      const attribute = (key: string) =>
        attributes.find((part) => part.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      if (attribute('max-age') === '0') this.cookies.delete(name);
      else this.cookies.set(name, { value: value.join('='), path: attribute('path') ?? '/' });
    }
    return response;
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }
}
