import escapeHtml from 'escape-html';
import { Router } from 'express';
import { BadInput } from '../core/errors';
import { parseId } from '../core/ids';
import { fromAcceptLanguage, isLocale, LOCALES, translator, type Locale } from '../i18n';
import { monthRange } from '../scheduling/availability';
import { currentMonth, page, pageQuery, type CalendarPageDeps } from './calendar-page';
import { embeddablePage } from './embedding';
import { WEB_ASSETS_PATH } from './web-assets';

const SERVICE = `query BookingPageService($id: ID!) {
  service(id: $id) {
    id name description timezone bookingMode requiresPayment minPartySize maxPartySize childRate infantRate taxRate
    price { currency }
    questions { id label kind required choices }
    provider { id name }
  }
}`;

interface PageService {
  id: string;
  name: string;
  description: string | null;
  timezone: string;
  bookingMode: string;
  requiresPayment: boolean;
  minPartySize: number;
  maxPartySize: number;
  childRate: number;
  infantRate: number;
  taxRate: number;
  price: { currency: string };
  questions: unknown[];
  provider: { id: string; name: string };
}

/** The page's language: `?lang=`, else the browser's Accept-Language, else English. */
export function pageLocale(asked: unknown, acceptLanguage: string | undefined): Locale {
  return typeof asked === 'string' && isLocale(asked) ? asked : (fromAcceptLanguage(acceptLanguage) ?? 'en');
}

/**
 * GET /calendar/:providerId/:serviceId?month=YYYY-MM&lang=it: one service's booking page. The server
 * writes the service's facts into data attributes; the page's own script (web/book.ts) reads the month's
 * slots in the visitor's time zone, keeps them live, and books, proposes or joins the waitlist as a guest
 * through the public GraphQL API, as any front end would (docs/public-page.md).
 */
export function servicePage(deps: CalendarPageDeps): Router {
  const router = Router();
  router.get('/calendar/:providerId/:serviceId', embeddablePage(deps.orm), async (req, res) => {
    const locale = pageLocale(req.query.lang, req.get('accept-language'));
    const t = translator(locale);
    const asked = typeof req.query.month === 'string' ? req.query.month : undefined;
    const notFound = () => page(res, 404, t('page.notFound'), `<p>${escapeHtml(t('page.notFound'))}</p>`, locale);
    try {
      parseId('providerId', req.params.providerId);
      parseId('serviceId', req.params.serviceId);
      if (asked !== undefined) monthRange(asked);
      const { service } = await pageQuery<{ service: PageService | null }>(deps, SERVICE, { id: req.params.serviceId });
      if (!service || service.provider.id !== req.params.providerId) return notFound();
      const month = asked ?? currentMonth(deps.clock, service.timezone);
      return page(res, 200, `${service.name} · ${service.provider.name}`, serviceBody(service, month, locale), locale);
    } catch (error) {
      const bad = error instanceof BadInput ? error : (error as { originalError?: unknown }).originalError;
      if (bad instanceof BadInput)
        return bad.details.field === 'month'
          ? page(res, 400, t('page.badMonth'), `<p>${escapeHtml(t('page.badMonth'))}</p>`, locale)
          : notFound();
      deps.log.error({ err: error, serviceId: req.params.serviceId }, 'booking page failed');
      return page(res, 500, t('page.failed'), `<p>${escapeHtml(t('page.failed'))}</p>`, locale);
    }
  });
  return router;
}

/** The service's facts for the page's script, as `data-` attributes. */
function dataAttributes(service: PageService, month: string, locale: Locale): string {
  const data: Record<string, string> = {
    'service-id': service.id,
    'provider-id': service.provider.id,
    locale,
    month,
    mode: service.bookingMode,
    paid: String(service.requiresPayment),
    'min-party': String(service.minPartySize),
    'max-party': String(service.maxPartySize),
    'child-rate': String(service.childRate),
    'infant-rate': String(service.infantRate),
    'tax-rate': String(service.taxRate),
    currency: service.price.currency,
    questions: JSON.stringify(service.questions),
  };
  return Object.entries(data)
    .map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`)
    .join('');
}

/** A link to the same month in each language, the current one marked. */
function languageLinks(month: string, locale: Locale): string {
  return LOCALES.map(
    (code) =>
      `<a href="?month=${month}&amp;lang=${code}" hreflang="${code}"${code === locale ? ' aria-current="true"' : ''}>${code.toUpperCase()}</a>`,
  ).join(' ');
}

/** The booking page's markup: the service, month navigation, and the places web/book.ts fills. */
function serviceBody(service: PageService, month: string, locale: Locale): string {
  const t = translator(locale);
  const attributes = dataAttributes(service, month, locale);
  const languages = languageLinks(month, locale);
  return `<main id="booking"${attributes}>
<header>
<p><a href="/calendar/${service.provider.id}?month=${month}">&larr; ${escapeHtml(service.provider.name)}</a> <span class="languages">${languages}</span></p>
<h1>${escapeHtml(service.name)}</h1>
${service.description ? `<p>${escapeHtml(service.description)}</p>` : ''}
<p id="zone"></p>
</header>
<nav class="months" aria-label="${escapeHtml(t('page.months'))}">
<button type="button" id="previous-month">&larr; <span></span></button>
<h2 id="month-title" aria-live="polite"></h2>
<button type="button" id="next-month"><span></span> &rarr;</button>
</nav>
<p class="help">${escapeHtml(t(service.bookingMode === 'APPROVAL' ? 'page.helpPropose' : 'page.helpBook'))}</p>
<div id="slots"><p>${escapeHtml(t('page.loading'))}</p></div>
<form id="book-form" hidden novalidate></form>
<div id="outcome" role="status" aria-live="polite"></div>
<noscript><p>${escapeHtml(t('page.noScript'))}</p></noscript>
</main>
<script src="${WEB_ASSETS_PATH}/book.js"></script>`;
}
