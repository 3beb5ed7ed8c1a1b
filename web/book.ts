// One service's booking page (src/server/service-page.ts): the month's slots in the visitor's own time zone,
// kept live over graphql-ws; a slot or a run of consecutive slots is chosen, the party, contact, needs and
// answers stated, and the guest mutation books, proposes or sends the visitor to the payment page.
import './calendar.css';
import { createClient } from 'graphql-ws';
import { DateTime } from 'luxon';
import { priceLines, priceOf } from '../src/booking/pricing';
import { formatAmount } from '../src/core/money';
import { dateLocale, translator } from '../src/i18n';
import type { MessageKey } from '../src/i18n/en';

interface Question {
  id: string;
  label: string;
  kind: 'TEXT' | 'CHOICE' | 'YES_NO';
  required: boolean;
  choices: string[];
}

interface SlotView {
  id: string;
  startsAt: string;
  endsAt: string;
  available: number;
  price: string;
  fits: boolean;
  full: boolean;
  waitlistOpen: boolean;
  startTime: string;
  endTime: string;
  date: string;
}

const root = document.querySelector<HTMLElement>('#booking')!;
const data = root.dataset;
const serviceId = data.serviceId!;
const locale = data.locale!;
const t = translator(locale);
const approval = data.mode === 'APPROVAL';
const currency = data.currency!;
const questions = JSON.parse(data.questions!) as Question[];
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const endpoint = `${location.origin}/graphql`;

let month = data.month!;
let slots: SlotView[] = [];
let chosen: string[] = [];
const party = { adults: Math.max(1, Number(data.minParty)), children: 0, infants: 0 };

const slotsBox = root.querySelector<HTMLElement>('#slots')!;
const form = root.querySelector<HTMLFormElement>('#book-form')!;
const outcome = root.querySelector<HTMLElement>('#outcome')!;
root.querySelector('#zone')!.textContent = t('page.zone', { zone });

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & Record<string, unknown> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name.startsWith('data-') || name.startsWith('aria-') || name === 'for') node.setAttribute(name, String(value));
    else (node as unknown as Record<string, unknown>)[name] = value;
  }
  node.append(...children);
  return node;
}

async function graphqlRequest<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': locale },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string; field?: string } }[];
  };
  if (result.errors?.length) throw new ApiError(result.errors[0].message, result.errors[0].extensions ?? {});
  return result.data as T;
}

class ApiError extends Error {
  constructor(
    message: string,
    readonly extensions: { code?: string; field?: string },
  ) {
    super(message);
  }
}

/** A refusal in words: the field and what is wrong with it for bad input, a sentence of ours for the rest. */
function inWords(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.other');
  const { code, field } = error.extensions;
  if (code === 'BAD_USER_INPUT' && field)
    return t('error.field', { field: fieldName(field), problem: error.message.replace(/^[^:]+: /, '') });
  const key = `error.${code}` as MessageKey;
  return code && key in KNOWN_ERRORS ? t(key) : t('error.other');
}

const KNOWN_ERRORS: Partial<Record<MessageKey, true>> = {
  'error.SLOT_UNAVAILABLE': true,
  'error.CAPACITY_EXCEEDED': true,
  'error.RATE_LIMITED': true,
  'error.UNAUTHENTICATED': true,
  'error.HOLD_LIMIT_REACHED': true,
  'error.HOLD_COOLDOWN': true,
  'error.PAYMENT_PROVIDER_UNAVAILABLE': true,
};

/** The label the visitor saw for a field the API names. */
function fieldName(field: string): string {
  const question = /^answers\.(.+)$/.exec(field);
  if (question) return questions.find((q) => q.id === question[1])?.label ?? field;
  const labels: Record<string, MessageKey> = {
    'contact.name': 'page.name',
    'contact.email': 'page.email',
    'contact.phone': 'page.phone',
    specialRequirements: 'page.needs',
    party: 'page.party',
  };
  return labels[field] ? t(labels[field]) : field;
}

const CHECK = `query ($input: AvailabilityCheckInput!) {
  checkAvailability(input: $input) {
    days { date slots { date startTime endTime fits reason waitlistOpen slot { id startsAt endsAt available price { amount } } } }
  }
}`;

interface CheckAnswer {
  checkAvailability: {
    days: {
      date: string;
      slots: {
        date: string;
        startTime: string;
        endTime: string;
        fits: boolean;
        reason: string | null;
        waitlistOpen: boolean;
        slot: { id: string; startsAt: string; endsAt: string; available: number; price: { amount: string } };
      }[];
    }[];
  };
}

async function readMonth(): Promise<SlotView[]> {
  const first = DateTime.fromISO(`${month}-01`);
  const answer = await graphqlRequest<CheckAnswer>(CHECK, {
    input: {
      serviceId,
      from: first.toISODate(),
      to: first.endOf('month').toISODate(),
      timezone: zone,
      party,
    },
  });
  return answer.checkAvailability.days.flatMap((day) =>
    day.slots.map((check) => ({
      id: check.slot.id,
      startsAt: check.slot.startsAt,
      endsAt: check.slot.endsAt,
      available: check.slot.available,
      price: check.slot.price.amount,
      fits: check.fits,
      full: check.reason === 'FULL',
      waitlistOpen: check.waitlistOpen,
      startTime: check.startTime,
      endTime: check.endTime,
      date: check.date,
    })),
  );
}

const dayTitle = (date: string) => DateTime.fromISO(date).setLocale(dateLocale(locale)).toFormat('cccc d LLLL');
const chosenSlots = () => chosen.map((id) => slots.find((slot) => slot.id === id)!).filter(Boolean);

/** Choosing a slot: the first, one right before or after the run chosen (it grows), or any other (it starts again). */
function choose(slot: SlotView): void {
  const run = chosenSlots();
  if (run.length === 0) chosen = [slot.id];
  else if (chosen.includes(slot.id)) {
    if (slot.id === chosen[0]) chosen = chosen.slice(1);
    else if (slot.id === chosen[chosen.length - 1]) chosen = chosen.slice(0, -1);
    else chosen = [slot.id];
  } else if (slot.startsAt === run[run.length - 1].endsAt) chosen = [...chosen, slot.id];
  else if (slot.endsAt === run[0].startsAt) chosen = [slot.id, ...chosen];
  else chosen = [slot.id];
  drawSlots();
  drawForm();
}

function drawMonth(): void {
  const first = DateTime.fromISO(`${month}-01`).setLocale(dateLocale(locale));
  root.querySelector('#month-title')!.textContent = first.toFormat('LLLL yyyy');
  root.querySelector('#previous-month span')!.textContent = first.minus({ months: 1 }).toFormat('LLLL');
  root.querySelector('#next-month span')!.textContent = first.plus({ months: 1 }).toFormat('LLLL');
}

function drawSlots(): void {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.slotId : undefined;
  const days = new Map<string, SlotView[]>();
  for (const slot of slots) days.set(slot.date, [...(days.get(slot.date) ?? []), slot]);
  if (days.size === 0) {
    slotsBox.replaceChildren(element('p', {}, t('page.nothing')));
    return;
  }
  slotsBox.replaceChildren(
    ...[...days].map(([date, list]) =>
      element(
        'section',
        { className: 'day', 'aria-label': dayTitle(date) },
        element('h3', {}, dayTitle(date)),
        element(
          'ul',
          {},
          ...list.map((slot) => {
            const state = slot.fits
              ? t('page.seatsLeft', { count: slot.available })
              : slot.full
                ? t('page.full')
                : t('page.closed');
            const button = element(
              'button',
              {
                type: 'button',
                className: `slot${slot.fits ? '' : slot.full ? ' full' : ' unavailable'}`,
                disabled: !slot.fits && !slot.full,
                'data-slot-id': slot.id,
                'data-available': slot.available,
                'aria-pressed': chosen.includes(slot.id) ? 'true' : 'false',
              },
              element('span', { className: 'time' }, `${slot.startTime}–${slot.endTime}`),
              element('span', { className: 'seats' }, state),
            );
            button.addEventListener('click', () => choose(slot));
            return element('li', {}, button);
          }),
        ),
      ),
    ),
  );
  if (focused) slotsBox.querySelector<HTMLElement>(`[data-slot-id="${focused}"]`)?.focus();
}

function priceText(run: SlotView[]): string {
  const rates = {
    currency,
    childRate: data.childRate!,
    infantRate: data.infantRate!,
    taxRate: data.taxRate!,
  };
  const lines = priceLines(
    run.map((slot) => ({ id: Number(slot.id), price: slot.price })),
    party,
    rates,
  );
  const { total } = priceOf(lines, currency);
  return Number(total) === 0
    ? t('page.free')
    : t('page.price', { total: `${formatAmount(total, currency)} ${currency}` });
}

/** The form keeps what the visitor typed while the choice, the party or the month changes. */
function drawForm(): void {
  const run = chosenSlots();
  form.hidden = run.length === 0;
  const summary = form.querySelector('#chosen');
  if (run.length === 0) return;
  const from = run[0];
  const to = run[run.length - 1];
  const text = t('page.chosen', {
    value: `${dayTitle(from.date)}, ${from.startTime}–${to.date === from.date ? to.endTime : `${dayTitle(to.date)}, ${to.endTime}`}`,
  });
  if (!summary) buildForm();
  form.querySelector('#chosen-text')!.textContent = text;
  form.querySelector('#price')!.textContent = priceText(run);
  const full = run.some((slot) => !slot.fits);
  const waiting = waitable(run);
  form.querySelector('#full-note')!.textContent = waiting ? t('page.fullWaitlist') : full ? t('page.fullChoice') : '';
  const submit = form.querySelector<HTMLButtonElement>('#submit')!;
  submit.disabled = full && !waiting;
  submit.textContent = t(
    waiting ? 'page.joinWaitlist' : approval ? 'page.propose' : data.paid === 'true' ? 'page.bookAndPay' : 'page.book',
  );
}

/** A full single slot whose waitlist is open: a guest may queue for it (a paid one's offer is paid at Checkout). */
function waitable(run: ReturnType<typeof chosenSlots>): boolean {
  return run.length === 1 && !run[0].fits && run[0].waitlistOpen;
}

function field(label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLElement {
  return element('label', { className: 'field' }, element('span', {}, label), input);
}

function buildForm(): void {
  const count = (name: 'adults' | 'children' | 'infants', min: number) => {
    const input = element('input', {
      type: 'number',
      name,
      min: String(min),
      max: data.maxParty,
      value: String(party[name]),
      inputMode: 'numeric',
    });
    input.addEventListener('change', () => {
      party[name] = Math.max(min, Math.floor(Number(input.value) || 0));
      void reload();
    });
    return field(t(`page.${name}`), input);
  };
  const answers = questions.map((question) => {
    const label = `${question.label}${question.required ? ` ${t('page.required')}` : ''}`;
    if (question.kind === 'TEXT')
      return field(label, element('input', { type: 'text', name: `answer-${question.id}`, maxLength: 500 }));
    const options =
      question.kind === 'YES_NO'
        ? [
            ['yes', t('answer.yes')],
            ['no', t('answer.no')],
          ]
        : question.choices.map((choice) => [choice, choice]);
    return field(
      label,
      element(
        'select',
        { name: `answer-${question.id}` },
        element('option', { value: '' }, t('page.choose')),
        ...options.map(([value, text]) => element('option', { value }, text)),
      ),
    );
  });
  const language = element(
    'select',
    { name: 'locale' },
    element('option', { value: 'en', selected: locale === 'en' }, 'English'),
    element('option', { value: 'it', selected: locale === 'it' }, 'Italiano'),
  );
  form.replaceChildren(
    element(
      'p',
      { id: 'chosen' },
      element('strong', { id: 'chosen-text' }),
      ' ',
      Object.assign(element('button', { type: 'button', id: 'clear' }, t('page.clear')), {
        onclick: () => {
          chosen = [];
          drawSlots();
          drawForm();
        },
      }),
    ),
    element(
      'fieldset',
      {},
      element('legend', {}, t('page.party')),
      count('adults', 1),
      count('children', 0),
      count('infants', 0),
    ),
    element('p', { id: 'price', 'aria-live': 'polite' }),
    element(
      'fieldset',
      {},
      element('legend', {}, t('page.contact')),
      field(t('page.name'), element('input', { type: 'text', name: 'name', required: true, autocomplete: 'name' })),
      field(t('page.email'), element('input', { type: 'email', name: 'email', required: true, autocomplete: 'email' })),
      field(t('page.phone'), element('input', { type: 'tel', name: 'phone', autocomplete: 'tel' })),
      field(t('page.language'), language),
    ),
    field(t('page.needs'), element('textarea', { name: 'needs', rows: 2, maxLength: 2000 })),
    ...(answers.length ? [element('fieldset', {}, element('legend', {}, t('page.questions')), ...answers)] : []),
    element('p', { id: 'full-note', className: 'note' }),
    element('button', { type: 'submit', id: 'submit', className: 'primary' }),
  );
}

const GUEST_BOOK = `mutation ($input: GuestBookInput!) {
  bookAsGuest(input: $input) { nextStep checkoutUrl holdExpiresAt proposalId booking { reference } }
}`;

interface GuestAnswer {
  bookAsGuest: {
    nextStep: 'CONFIRM_BY_EMAIL' | 'PAY_AT_CHECKOUT' | 'WAIT_FOR_PROVIDER';
    checkoutUrl: string | null;
    holdExpiresAt: string | null;
    proposalId: string | null;
    booking: { reference: string } | null;
  };
}

const GUEST_WAIT = `mutation ($input: GuestWaitlistInput!) { joinWaitlistAsGuest(input: $input) { id position } }`;

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const values = new FormData(form);
  const text = (name: string) => String(values.get(name) ?? '').trim();
  const submit = form.querySelector<HTMLButtonElement>('#submit')!;
  submit.disabled = true;
  outcome.className = '';
  outcome.textContent = t('page.sending');
  try {
    const run = chosenSlots();
    if (waitable(run)) {
      await graphqlRequest(GUEST_WAIT, {
        input: {
          serviceId,
          slotId: run[0].id,
          partySize: party.adults + party.children + party.infants,
          party,
          contact: { name: text('name'), email: text('email'), phone: text('phone') || null },
          notes: text('needs') || null,
          locale: text('locale'),
        },
      });
      outcome.className = 'success';
      outcome.textContent = t('page.waitlistJoined', { email: text('email') });
      chosen = [];
      form.hidden = true;
      return;
    }
    const { bookAsGuest: booked } = await graphqlRequest<GuestAnswer>(GUEST_BOOK, {
      input: {
        slotIds: chosen,
        party,
        contact: { name: text('name'), email: text('email'), phone: text('phone') || null },
        specialRequirements: text('needs') || null,
        answers: questions
          .map((question) => ({ questionId: question.id, value: text(`answer-${question.id}`) }))
          .filter((answer) => answer.value !== ''),
        locale: text('locale'),
      },
    });
    outcome.className = 'success';
    if (booked.nextStep === 'PAY_AT_CHECKOUT' && booked.checkoutUrl) {
      // Stripe's page cannot be framed: in an embed it opens in the whole window (a link is left in case that is refused).
      outcome.replaceChildren(element('a', { href: booked.checkoutUrl, target: '_top' }, t('page.toCheckout')));
      try {
        (window.top ?? window).location.assign(booked.checkoutUrl);
      } catch {
        // The link above stays for the visitor to follow.
      }
      return;
    }
    outcome.textContent =
      booked.nextStep === 'WAIT_FOR_PROVIDER'
        ? t('page.proposalSent', { email: text('email') })
        : t('page.confirmByEmail', {
            email: text('email'),
            reference: booked.booking?.reference ?? '',
            time: booked.holdExpiresAt ? DateTime.fromISO(booked.holdExpiresAt).setZone(zone).toFormat('HH:mm') : '',
          });
    chosen = [];
    form.hidden = true;
    void reload();
  } catch (error) {
    outcome.className = 'error';
    outcome.textContent = inWords(error);
    submit.disabled = false;
  }
});

async function reload(): Promise<void> {
  try {
    slots = await readMonth();
    chosen = chosen.filter((id) => slots.some((slot) => slot.id === id));
    drawSlots();
    drawForm();
  } catch (error) {
    slotsBox.replaceChildren(element('p', { className: 'error' }, inWords(error)));
  }
}

function moveMonth(step: number): void {
  month = DateTime.fromISO(`${month}-01`).plus({ months: step }).toFormat('yyyy-MM');
  chosen = [];
  history.replaceState(null, '', `?month=${month}&lang=${locale}`);
  drawMonth();
  drawForm();
  void reload();
}
root.querySelector('#previous-month')!.addEventListener('click', () => moveMonth(-1));
root.querySelector('#next-month')!.addEventListener('click', () => moveMonth(1));

// One read at a time; changes that arrive meanwhile cost one more read, not one each.
let reading: Promise<void> | null = null;
let stale = false;
function refresh(): void {
  if (reading) {
    stale = true;
    return;
  }
  reading = reload().finally(() => {
    reading = null;
    if (stale) {
      stale = false;
      refresh();
    }
  });
}

const client = createClient({
  url: endpoint.replace(/^http/, 'ws'),
  retryAttempts: Infinity,
  shouldRetry: () => true,
  on: { connected: (_socket, _payload, wasRetry) => wasRetry && refresh() },
});
client.subscribe(
  {
    query: 'subscription ($serviceIds: [ID!]!) { availabilityChanged(serviceIds: $serviceIds) { serviceId } }',
    variables: { serviceIds: [serviceId] },
  },
  { next: refresh, error: (error) => console.error(error), complete: () => {} },
);

drawMonth();
refresh();
