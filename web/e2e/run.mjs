#!/usr/bin/env node
// End-to-end walk of Admit's web app in Debian's Chromium against a real `admit serve`.
//
//   ADMIT_BIN=../build/release/src/admit npm run e2e
//
// Starts the server with a temporary database, serving web/dist, then walks an organizer, an
// attendee and the door scanner through the app. Screenshots land in e2e/screenshots/.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, createRunner, launchChromium, mailedLink, qrVideo, report, startAdmit, startWalk } from './lib.mjs';
import { routeStripeJs, startFakeStripeApi } from './stripe.mjs';

const shots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const { step, skip, results } = createRunner();
const walk = await startWalk({ shots });
const { T, bin, dist, chromePath, watch, base, server, context, page, shot, go, signup, login, logout } = walk;
const token = walk.token;

// How long the API calls behind each main page take: every GET under /api/ the browser makes,
// timed by Chromium (Playwright's request timing: request start to the last response byte),
// grouped by the app page that made it. PDF rendering (/api/tickets/{id}/pdf) is a download,
// not a page's data, and is left out.
// Generous on purpose: the browser's figure includes Chromium's own queueing, which on a shared,
// overloaded 2-core machine dwarfs the server's few milliseconds (the TTFB column shows those).
const kApiBudget = { medianMs: Number(process.env.E2E_API_MEDIAN_MS ?? 150), maxMs: Number(process.env.E2E_API_MAX_MS ?? 500) };
const apiTimings = [];
const requestPage = new WeakMap();
function pageKind(url) {
  const path = new URL(url).pathname;
  const rules = [
    [/^\/$/, 'home (events)'],
    [/^\/events\/[^/]+$/, 'event'],
    [/^\/events\/[^/]+\/order$/, 'order form'],
    [/^\/orders\/[^/]+$/, 'guest order'],
    [/^\/checkout\/[^/]+$/, 'checkout'],
    [/^\/tickets$/, 'my tickets'],
    [/^\/organizer$/, 'organizer: events'],
    [/^\/organizer\/events\/new$/, 'organizer: new event'],
    [/^\/organizer\/events\/[^/]+$/, 'organizer: manage event'],
    [/^\/organizer\/events\/[^/]+\/edit$/, 'organizer: edit event'],
    [/^\/organizer\/events\/[^/]+\/analytics$/, 'organizer: analytics'],
    [/^\/scan$/, 'scanner: choose event'],
    [/^\/scan\/[^/]+$/, 'scanner'],
  ];
  for (const [re, name] of rules) if (re.test(path)) return name;
  return 'other';
}
function timeApi(ctx) {
  ctx.on('request', (req) => {
    try {
      requestPage.set(req, pageKind(req.frame().url()));
    } catch {
      // Requests without a frame (service workers) are not a page's.
    }
  });
  ctx.on('requestfinished', (req) => {
    const url = new URL(req.url());
    if (req.method() !== 'GET' || !url.pathname.startsWith('/api/') || url.pathname.endsWith('/pdf')) return;
    const t = req.timing();
    if (!(t.responseEnd > 0)) return;
    apiTimings.push({
      page: requestPage.get(req) ?? 'other',
      path: url.pathname,
      ms: t.responseEnd,
      ttfb: t.responseStart - t.requestStart,
    });
  });
}
timeApi(context);
const apiFetch = async (path, init = {}) => {
  const t = await token();
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}), ...init.headers },
  });
  return {
    status: res.status,
    headers: res.headers,
    body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text(),
  };
};
// A promise awaited later in a step; if the step fails first, its rejection must not crash the run.
const later = (p) => (p.catch(() => undefined), p);
const text = (sel) => page.locator(sel).innerText();
const waitVerdict = async (v, p = page) => {
  await p.locator(`.result[data-verdict="${v}"]`).waitFor({ timeout: T });
};

const stamp = Date.now().toString(36);
const organizer = { name: 'Olivia Organizer', email: `olivia-${stamp}@example.org`, password: 'organizer-pass-1' };
const attendee = { name: 'Arthur Attendee', email: `arthur-${stamp}@example.org`, password: 'attendee-pass-1' };
const freeEvent = { name: `Harbour Tech Meetup ${stamp}`, id: '' };
const paidEvent = { name: `Rooftop Jazz Night ${stamp}`, id: '' };
const state = { codes: [], registrationId: '', paidRegistrationId: '', qrPng: join(shots, 'ticket-2-qr.png') };

async function createEvent(ev, { price, currency, capacity, date, tz }) {
  await go('/organizer/events/new');
  await page.getByRole('heading', { name: 'Create an event' }).waitFor();
  await page.getByLabel('Event name').fill(ev.name);
  await page.getByLabel('Description').fill(`${ev.name}: talks, music and good company.\nBring a friend.`);
  await page.getByLabel('Starts').fill(date);
  await page.getByLabel('Time zone').selectOption(tz);
  await page.getByLabel('Location').fill('Harbourside Hall, 1 Quay Street, Bristol');
  await page.getByLabel('Capacity').fill(String(capacity));
  await page.getByLabel('Price per ticket').fill(String(price));
  await page.getByLabel('Currency').selectOption(currency);
  await page.getByRole('button', { name: 'Publish event' }).click();
  await page.waitForURL(/\/organizer\/events\/[^/]+\?created=1$/);
  ev.id = new URL(page.url()).pathname.split('/').pop();
  await page.getByText('Your event is live').waitFor();
}

/// Fills the checkout form's ticket holders (a null name keeps what is there: the first ticket
/// carries the buyer's name) and the free event's questions.
async function fillHolders(names, { diet = 'Vegetarian', consent = true } = {}) {
  for (let i = 0; i < names.length; i++) {
    const box = page.getByRole('group', { name: new RegExp(`^Ticket ${i + 1} of ${names.length}`) });
    const name = box.getByRole('textbox', { name: 'Name on the ticket' });
    if (names[i] !== null) await name.fill(names[i]);
    if (diet) await box.getByRole('combobox', { name: 'Dietary requirements' }).selectOption(diet);
  }
  if (consent) await page.getByRole('checkbox', { name: 'I accept the code of conduct' }).check();
}

try {
  await step('the server serves the app at / with an SPA fallback', async () => {
    const res = await fetch(`${base}/`);
    const body = await res.text();
    assert(res.ok && body.includes('<div id="root">'), `GET / did not answer web/dist/index.html (status ${res.status})`);
    const deep = await fetch(`${base}/organizer/events/some-id`);
    assert(deep.ok && (await deep.text()).includes('<div id="root">'), 'deep links do not fall back to index.html');
  });

  await step('home page loads with no events yet', async () => {
    await go('/');
    await page.getByRole('heading', { name: 'Find something worth showing up for' }).waitFor();
    await page
      .getByText(/No upcoming events yet|Upcoming events/)
      .first()
      .waitFor();
  });

  await step('organizer signs up', async () => {
    await signup(organizer, 'organizer');
    await page.getByRole('heading', { name: 'Your events' }).waitFor();
    await page.getByRole('heading', { name: 'Create your first event' }).waitFor();
    await shot('organizer-empty', { phoneToo: false });
  });

  await step('the event form shows validation messages beside the fields', async () => {
    await go('/organizer/events/new');
    await page.getByRole('button', { name: 'Publish event' }).click();
    await page.getByText('Give the event a name.').waitFor();
    await page.getByText('Choose when the event starts.').waitFor();
    await page.getByText('Say where it takes place.').waitFor();
    await page.getByLabel('Capacity').fill('0');
    await page.getByText('Enter a whole number of seats from 1 to 1,000,000.').waitFor();
    const invalid = await page.getByLabel('Event name').getAttribute('aria-invalid');
    assert(invalid === 'true', 'the name field is not marked invalid');
    const describedBy = await page.getByLabel('Event name').getAttribute('aria-describedby');
    assert(
      describedBy && (await page.locator(`#${describedBy.split(' ').pop()}`).innerText()).includes('Give the event a name'),
      'the message is not tied to the field',
    );
    await shot('event-form-errors');
  });

  await step('organizer creates a free event', async () => {
    await createEvent(freeEvent, { price: 0, currency: 'GBP', capacity: 50, date: '2027-06-15T18:30', tz: 'Europe/London' });
    await page.getByRole('heading', { name: freeEvent.name }).waitFor();
    const ev = (await apiFetch(`/api/events/${freeEvent.id}`)).body;
    assert(ev.date === '2027-06-15T17:30:00Z', `venue time not converted to UTC: ${ev.date}`);
    assert(ev.price === 0 && ev.capacity === 50 && ev.currency === 'GBP', 'event fields differ');
  });

  await step('organizer creates a paid event', async () => {
    await createEvent(paidEvent, { price: 25, currency: 'EUR', capacity: 40, date: '2027-07-02T21:00', tz: 'Europe/Berlin' });
    const ev = (await apiFetch(`/api/events/${paidEvent.id}`)).body;
    assert(
      ev.price === 25 && ev.currency === 'EUR' && ev.date === '2027-07-02T19:00:00Z',
      `paid event differs: ${JSON.stringify(ev)}`,
    );
  });

  await step('organizer edits an event', async () => {
    await go(`/organizer/events/${paidEvent.id}/edit`);
    await page.getByLabel('Limit per person').fill('4');
    // Venue time (Europe/Berlin, summer), like the start; the hold in minutes.
    await page.getByLabel('Cancellation deadline').fill('2027-07-01T21:00');
    await page.getByLabel('Hold seats for unpaid orders (minutes)').fill('10');
    await shot('event-form-policy', { phoneToo: false });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Changes saved.').waitFor();
    const ev = (await apiFetch(`/api/events/${paidEvent.id}`)).body;
    assert(ev.maxPerAttendee === 4, 'maxPerAttendee not saved');
    assert(ev.cancellationDeadline === '2027-07-01T19:00:00Z', `cancellationDeadline ${ev.cancellationDeadline}`);
    assert(ev.holdSeconds === 600, `holdSeconds ${ev.holdSeconds}`);
  });

  await step('organizer asks checkout questions: one per ticket, one per order, reordered', async () => {
    await go(`/organizer/events/${freeEvent.id}`);
    await page.getByRole('heading', { name: 'Checkout questions' }).waitFor();
    const add = async ({ label, kind, options, asked, required }) => {
      await page.getByRole('button', { name: 'Add question' }).click();
      const form = page.getByRole('form', { name: 'New question' });
      await form.getByLabel('Question', { exact: true }).fill(label);
      await form.getByLabel('Kind of answer').selectOption({ label: kind });
      if (options) await form.getByLabel('Options').fill(options.join('\n'));
      if (asked) await form.getByLabel('Asked').selectOption({ label: asked });
      if (required) await form.getByRole('checkbox', { name: /^Required/ }).check();
      await form.getByRole('button', { name: 'Add question' }).click();
      await page.getByRole('listitem').filter({ hasText: label }).first().waitFor();
      await form.waitFor({ state: 'detached' });
    };
    // The select without options is refused beside its field, before anything is sent.
    await page.getByRole('button', { name: 'Add question' }).click();
    const form = page.getByRole('form', { name: 'New question' });
    await form.getByLabel('Question', { exact: true }).fill('Dietary requirements');
    await form.getByLabel('Kind of answer').selectOption({ label: 'One of several options' });
    await form.getByRole('button', { name: 'Add question' }).click();
    await form.getByText('Give at least one option, one per line.').waitFor();
    await form.getByRole('button', { name: 'Cancel' }).click();
    await add({ label: 'I accept the code of conduct', kind: 'Consent checkbox', asked: 'Once per order', required: true });
    await add({
      label: 'Dietary requirements',
      kind: 'One of several options',
      options: ['None', 'Vegetarian', 'Vegan'],
      required: true,
    });
    await page.getByRole('button', { name: 'Move Dietary requirements up' }).click();
    const list = page.getByRole('list', { name: 'Questions' });
    await page.waitForFunction(() =>
      document.querySelector('ul[aria-label="Questions"] > li strong')?.textContent?.startsWith('Dietary requirements'),
    );
    await shot('manage-event-questions', { phoneToo: false });
    const qs = (await apiFetch(`/api/events/${freeEvent.id}/questions`)).body.items;
    assert(
      JSON.stringify(qs.map((q) => [q.label, q.type, q.scope, q.required])) ===
        JSON.stringify([
          ['Dietary requirements', 'select', 'ticket', true],
          ['I accept the code of conduct', 'checkbox', 'order', true],
        ]),
      `questions ${JSON.stringify(qs)}`,
    );
    assert((await list.getByRole('listitem').count()) === 2, 'two questions listed');
  });

  await step('organizer sees their events', async () => {
    await go('/organizer');
    await page.getByRole('link', { name: freeEvent.name, exact: true }).waitFor();
    await page.getByRole('link', { name: paidEvent.name, exact: true }).waitFor();
    await shot('organizer-events');
    await logout();
  });

  await step('attendee signs up', async () => {
    await signup(attendee, 'attendee');
    await page.getByRole('heading', { name: 'Find something worth showing up for' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
  });

  await step('attendee finds the event by searching', async () => {
    await page.getByRole('link', { name: new RegExp(freeEvent.name) }).waitFor();
    await page.getByLabel('Search events').fill('Harbour Tech');
    await page.waitForURL(/q=Harbour/);
    await page.getByRole('heading', { name: /Results for/ }).waitFor();
    const cards = page.locator('ul[aria-label="Events"] > li');
    await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Events"] > li').length === 1);
    const card = await cards.first().innerText();
    assert(card.includes(freeEvent.name) && card.includes('Free') && card.includes('50 seats left'), `card: ${card}`);
    assert(/Jun 15, 2027, 6:30\s?PM/.test(card), `card date is not in the event's time zone: ${card}`);
    await page.getByLabel('Search events').fill('');
    await page.getByRole('link', { name: new RegExp(paidEvent.name) }).waitFor();
    const paidCard = await page.getByRole('link', { name: new RegExp(paidEvent.name) }).innerText();
    assert(paidCard.includes('€25') && /Jul 2, 2027, 9:00\s?PM GMT\+2/.test(paidCard), `paid card: ${paidCard}`);
    await shot('home');
  });

  await step('attendee registers for the free event and sees QR tickets', async () => {
    await page.getByRole('link', { name: new RegExp(freeEvent.name) }).click();
    await page.getByRole('heading', { name: freeEvent.name }).waitFor();
    await shot('event');
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'One more ticket' }).click();
    await page.getByRole('button', { name: 'Continue with 4 tickets' }).click();
    await page.waitForURL(/\/events\/[^/]+\/order\?items=/);
    await page.getByRole('heading', { name: 'Your details' }).waitFor();
    const first = page.getByRole('group', { name: /^Ticket 1 of 4/ }).getByRole('textbox', { name: 'Name on the ticket' });
    assert((await first.inputValue()) === attendee.name, 'the first ticket carries the buyer’s name');
    // Nothing answered: each required field says so beside it, and nothing is sent.
    await page.getByRole('button', { name: 'Confirm your registration' }).click();
    await page
      .getByRole('group', { name: /^Ticket 2 of 4/ })
      .getByText('Enter a name.')
      .waitFor();
    await page.getByText('Tick this box to continue.').waitFor();
    await shot('order-form-errors', { phoneToo: false });
    await fillHolders([null, 'Beatrice Guest', 'Cyril Guest', 'Dora Guest']);
    await shot('order-form');
    await page.getByRole('button', { name: 'Confirm your registration' }).click();
    await page.waitForURL(/\/tickets\?registration=/);
    state.registrationId = new URL(page.url()).searchParams.get('registration');
    await page.getByText('You’re booked!').waitFor();
    await page.locator(`#registration-${state.registrationId} img[alt^="QR code of ticket"]`).nth(3).waitFor();
    const reg = (await apiFetch(`/api/registrations/${state.registrationId}`)).body;
    assert(reg.status === 'confirmed' && reg.tickets.length === 4, `registration: ${reg.status}, ${reg.tickets?.length}`);
    assert(
      JSON.stringify(reg.tickets.map((t) => t.holderName)) ===
        JSON.stringify([attendee.name, 'Beatrice Guest', 'Cyril Guest', 'Dora Guest']),
      `holders ${reg.tickets.map((t) => t.holderName)}`,
    );
    assert(Object.values(reg.answers).includes(true), `order answers ${JSON.stringify(reg.answers)}`);
    assert(
      reg.tickets.every((t) => Object.values(t.answers ?? {}).includes('Vegetarian')),
      'ticket answers',
    );
    await page.locator(`#registration-${state.registrationId} li.ticket`).nth(1).getByText('Beatrice Guest').waitFor();
    state.codes = reg.tickets.map((t) => t.qrCode);
    state.ticketIds = reg.tickets.map((t) => t.ticketId);
    await shot('tickets');
  });

  await step('the QR shown on screen is the ticket code', async () => {
    await page.locator(`#registration-${state.registrationId} li.ticket`).nth(1).locator('button.qr').click();
    const big = page.locator('dialog[open] img.qr-full');
    await big.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('dialog[open] img.qr-full');
      return img?.complete && img.naturalWidth > 0;
    });
    await big.screenshot({ path: state.qrPng });
    await shot('ticket-zoom', { full: false, phoneToo: false });
    await page.getByRole('button', { name: 'Close' }).click();
  });

  await step('attendee downloads the PDF ticket', async () => {
    const pdfResponse = later(
      context.waitForEvent('response', { predicate: (r) => /\/api\/tickets\/[^/]+\/pdf\?/.test(r.url()), timeout: T }),
    );
    await page
      .locator(`#registration-${state.registrationId} li.ticket`)
      .first()
      .getByRole('button', { name: 'PDF ticket' })
      .click();
    const res = await pdfResponse;
    assert(res.status() === 200, `PDF status ${res.status()}`);
    assert(res.headers()['content-type']?.startsWith('application/pdf'), `PDF content type ${res.headers()['content-type']}`);
    const again = await fetch(res.url());
    const bytes = Buffer.from(await again.arrayBuffer());
    assert(bytes.subarray(0, 5).toString() === '%PDF-', 'the file is not a PDF');
    for (const p of context.pages()) if (p !== page) await p.close();
  });

  await step('attendee adds the event to a calendar (.ics)', async () => {
    const download = later(page.waitForEvent('download'));
    await page.locator(`#registration-${state.registrationId}`).getByRole('button', { name: 'Add to calendar' }).click();
    const d = await download;
    assert(d.suggestedFilename().endsWith('.ics'), d.suggestedFilename());
    const ics = readFileSync(await d.path(), 'utf8');
    assert(
      ics.includes('BEGIN:VEVENT') && ics.includes('DTSTART:20270615T173000Z') && ics.includes(`SUMMARY:${freeEvent.name}`),
      ics,
    );
  });

  await step('attendee cancels a registration', async () => {
    await go(`/events/${freeEvent.id}`);
    await page.getByText('You have 4 seats for this event').waitFor();
    await page.getByRole('button', { name: 'Continue with 1 ticket' }).click();
    await page.getByRole('heading', { name: 'Your details' }).waitFor();
    await fillHolders([null]);
    await page.getByRole('button', { name: 'Confirm your registration' }).click();
    await page.waitForURL(/\/tickets\?registration=/);
    const id = new URL(page.url()).searchParams.get('registration');
    const card = page.locator(`#registration-${id}`);
    await card.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Cancel this registration?' }).waitFor();
    await shot('cancel-dialog', { full: false, phoneToo: false });
    await page.getByRole('button', { name: 'Yes, cancel' }).click();
    await page.getByRole('heading', { name: 'Past and cancelled' }).waitFor();
    await page.locator(`#registration-${id}`).locator('.reg-head .badge', { hasText: 'Cancelled' }).first().waitFor();
    const reg = (await apiFetch(`/api/registrations/${id}`)).body;
    assert(reg.status === 'cancelled', `status ${reg.status}`);
  });

  await step('attendee reserves seats at the paid event and reaches checkout', async () => {
    await go(`/events/${paidEvent.id}`);
    await page.getByRole('button', { name: 'One more ticket' }).click();
    await page.getByText('€50').first().waitFor();
    await page.getByRole('button', { name: 'Continue with 2 tickets' }).click();
    await page.getByRole('heading', { name: 'Your details' }).waitFor();
    await fillHolders([null, 'Paula Plusone'], { diet: null, consent: false });
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.waitForURL(/\/checkout\//);
    state.paidRegistrationId = page.url().split('/').pop();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await page.getByText('4242 4242 4242 4242').waitFor();
    await page.getByText('4000 0000 0000 0002').waitFor();
    await page.getByText('4000 0000 0000 9995').waitFor();
    const reg = (await apiFetch(`/api/registrations/${state.paidRegistrationId}`)).body;
    assert(reg.status === 'pending_payment' && reg.amount === 50 && reg.holdExpiresAt, `registration ${JSON.stringify(reg)}`);
    await shot('checkout');
  });

  await step('checkout rejects a malformed card beside the field', async () => {
    await page.getByLabel('Card number').fill('4242 4242 4242 4241');
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.getByText('This card number is not valid. Check the digits.').waitFor();
  });

  await step('a second order while one is unpaid is refused with a link to the open one', async () => {
    await go(`/events/${paidEvent.id}`);
    await page.getByRole('button', { name: 'Reserve 1 ticket' }).click();
    const alert = page.locator('.alert', { hasText: 'You already have an unpaid order for this event' });
    await alert.waitFor();
    await shot('event-unpaid-order-open', { phoneToo: false });
    await alert.getByRole('link', { name: 'Complete payment' }).click();
    await page.waitForURL(new RegExp(`/checkout/${state.paidRegistrationId}$`));
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
  });

  await step('a declined card shows a clear message', async () => {
    await go(`/checkout/${state.paidRegistrationId}`);
    await page
      .getByRole('listitem')
      .filter({ hasText: 'generic decline' })
      .getByRole('button', { name: 'Use this card' })
      .click();
    await page.getByRole('button', { name: 'Pay €50' }).click();
    await page.locator('[role="alert"]', { hasText: 'Payment declined' }).waitFor();
    console.log(`      (decline message: ${await page.locator('[role="alert"]').first().innerText()})`.replace(/\n/g, ' '));
    await shot('checkout-declined');
    await page
      .getByRole('listitem')
      .filter({ hasText: 'insufficient funds' })
      .getByRole('button', { name: 'Use this card' })
      .click();
    await page.getByRole('button', { name: 'Pay €50' }).click();
    await page.locator('[role="alert"]', { hasText: /insufficient funds/i }).waitFor();
    console.log(`      (decline message: ${await page.locator('[role="alert"]').first().innerText()})`.replace(/\n/g, ' '));
    const reg = (await apiFetch(`/api/registrations/${state.paidRegistrationId}`)).body;
    assert(reg.status === 'pending_payment', `a declined payment changed the registration to ${reg.status}`);
  });

  await step('attendee pays with 4242… and gets tickets', async () => {
    await page.getByRole('listitem').filter({ hasText: 'Succeeds' }).getByRole('button', { name: 'Use this card' }).click();
    await page.getByRole('button', { name: 'Pay €50' }).click();
    await page.getByRole('heading', { name: 'You’re going!' }).waitFor({ timeout: 30_000 });
    await shot('checkout-paid');
    await page.getByRole('link', { name: 'View my tickets' }).click();
    await page.locator(`#registration-${state.paidRegistrationId} img[alt^="QR code of ticket"]`).nth(1).waitFor();
    const reg = (await apiFetch(`/api/registrations/${state.paidRegistrationId}`)).body;
    assert(reg.status === 'confirmed' && reg.tickets.length === 2, `paid registration ${reg.status}`);
  });

  await step('the tickets page says until when the paid registration can be cancelled', async () => {
    const card = page.locator(`#registration-${state.paidRegistrationId}`);
    await card.getByText(/Cancellable until Thu, Jul 1, 2027, 9:00\s?PM GMT\+2/).waitFor();
    await card.getByRole('button', { name: 'Cancel', exact: true }).waitFor();
  });

  await step('attendee cannot open organizer pages', async () => {
    await go('/organizer');
    await page.getByRole('heading', { name: 'This page is not for your account' }).waitFor();
    await logout();
  });

  await step('organizer sees the registration, searches it and exports CSV', async () => {
    await login(organizer);
    await go(`/organizer/events/${freeEvent.id}`);
    const table = page.locator('table');
    await table.getByText(attendee.name).first().waitFor();
    // The server searches (GET …/registrations?q=): both of Arthur's registrations match.
    const searched = later(
      page.waitForResponse((r) => /\/registrations\?.*q=arthur/.test(r.url()) && r.status() === 200, { timeout: T }),
    );
    await page.getByLabel('Search registrations').fill(attendee.email.slice(0, 12));
    await searched;
    await page.getByText(`2 registrations match “${attendee.email.slice(0, 12)}”`).waitFor();
    await shot('manage-event-search', { phoneToo: false });
    await page.getByLabel('Search registrations').fill('nobody-at-all');
    await page.getByText('No registrations match “nobody-at-all”').waitFor();
    assert((await page.locator('table').count()) === 0, 'a table is shown for no matches');
    await page.getByLabel('Search registrations').fill('');
    await page.getByText('2 registrations', { exact: true }).waitFor();
    const download = later(page.waitForEvent('download'));
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const d = await download;
    const csv = readFileSync(await d.path(), 'utf8');
    assert(csv.startsWith('registrationId,status,quantity,amount,currency,attendeeName,attendeeEmail'), csv.slice(0, 120));
    assert(csv.includes(attendee.email) && csv.includes(state.registrationId), 'CSV lacks the registration');
    assert(d.suggestedFilename().endsWith('.csv'), d.suggestedFilename());
    const header = csv.split('\n')[0].trimEnd();
    assert(header.endsWith(',I accept the code of conduct'), `CSV header ${header}`);
    // One row per ticket: the holders and their per-ticket answers.
    const ticketsDownload = later(page.waitForEvent('download'));
    await page.getByRole('button', { name: 'Ticket holders CSV' }).click();
    const ticketsCsv = readFileSync(await (await ticketsDownload).path(), 'utf8');
    const ticketsHeader = ticketsCsv.split('\n')[0].trimEnd();
    assert(
      ticketsHeader.startsWith('ticketId,registrationId,ticketType,holderName,holderEmail') &&
        ticketsHeader.endsWith(',Dietary requirements'),
      `tickets CSV header ${ticketsHeader}`,
    );
    assert(ticketsCsv.includes('Beatrice Guest') && ticketsCsv.includes('Vegetarian'), 'tickets CSV lacks the holders');
    // The holders, not the buyer, with their answers.
    const confirmedRow = page.locator('tbody tr').filter({ has: page.getByText('Confirmed', { exact: true }) });
    await confirmedRow
      .first()
      .getByRole('button', { name: `Holders of ${attendee.name}’s registration` })
      .click();
    const holders = page.getByRole('list', { name: `Tickets of ${attendee.name}’s registration` }).first();
    await holders.getByText('Beatrice Guest').waitFor();
    assert((await holders.getByText('Vegetarian').count()) >= 1, 'holder answers shown');
    await shot('manage-event');
  });

  await step('organizer invites door staff: the same answer for any address, no name until accepted', async () => {
    const nobody = `nobody-${stamp}@example.org`;
    await page.getByText('Nobody yet. Invite the people who will check tickets at the entrance.').waitFor();
    await page.getByLabel('Email to invite').fill(nobody);
    await page.getByRole('button', { name: 'Invite to door staff' }).click();
    await page.getByText(`Invitation for ${nobody} is waiting for them to accept`).waitFor();
    await page.getByLabel('Email to invite').fill(attendee.email);
    await page.getByRole('button', { name: 'Invite to door staff' }).click();
    await page.getByText(`Invitation for ${attendee.email} is waiting for them to accept`).waitFor();
    // The list comes from GET /api/events/{id}/staff, so it survives a reload.
    await page.reload();
    const staffList = page.getByRole('list', { name: 'Door staff' });
    await staffList.getByText(attendee.email).waitFor();
    assert((await staffList.getByRole('listitem').count()) === 2, 'the staff list should hold two invitations');
    const text = await staffList.innerText();
    assert(!text.includes(attendee.name), 'the staff list names the person before they accepted');
    assert((text.match(/Invited/g) ?? []).length === 2, `both are invited: ${text}`);
    await page.getByRole('heading', { name: 'Door staff', exact: true }).scrollIntoViewIfNeeded();
    await shot('manage-event-staff', { full: false });
    // Withdraw the invitation nobody will answer.
    await staffList.getByRole('button', { name: `Withdraw ${nobody}` }).click();
    await page.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await staffList.getByText(nobody).waitFor({ state: 'detached' });
    assert((await staffList.getByRole('listitem').count()) === 1, 'the withdrawn invitation is still listed');
  });

  await step('organizer sees analytics with charts', async () => {
    await page.getByRole('link', { name: 'Analytics' }).first().click();
    await page.getByRole('heading', { name: 'Analytics' }).waitFor();
    await page.locator('.uplot canvas').first().waitFor();
    const stats = await text('.stats');
    assert(/Seats taken\s*4/.test(stats), `stats: ${stats}`);
    await page.getByRole('img', { name: /of 50 seats taken/ }).waitFor();
    await shot('analytics');
  });

  await step('scanner admits a ticket once by manual entry and refuses it the second time', async () => {
    await go(`/scan/${freeEvent.id}`);
    await page.getByText('Offline check ready').waitFor();
    await shot('scanner-ready');
    await page.getByLabel('Ticket code').fill(state.codes[0]);
    await page.getByRole('button', { name: 'Check' }).click();
    await waitVerdict('valid');
    assert((await text('.result')).includes(attendee.name), 'no holder name on a valid scan');
    assert((await text('[data-testid="admitted-count"]')) === '1', 'admitted count is not 1');
    await shot('scanner-valid');
    await page.getByLabel('Ticket code').fill(state.codes[0]);
    await page.getByRole('button', { name: 'Check' }).click();
    await waitVerdict('already_used');
    const r = await text('.result');
    assert(r.includes('Already used') && r.includes('First scanned') && r.includes(attendee.name), r);
    await shot('scanner-used');
  });

  await step('scanner reads a rendered QR image through its jsQR path', async () => {
    const reader = await page.locator('[data-decoder]').getAttribute('data-decoder');
    await page.locator('#qr-file').setInputFiles(state.qrPng);
    await waitVerdict('valid');
    assert((await text('[data-testid="admitted-count"]')) === '2', 'admitted count is not 2');
    await page.locator('#qr-file').setInputFiles(state.qrPng);
    await waitVerdict('already_used');
    console.log(`      (decoder: ${reader})`);
  });

  await step('scanner refuses a forged code', async () => {
    const c = state.codes[2];
    const forged = c.slice(0, 40) + (c[40] === 'A' ? 'B' : 'A') + c.slice(41);
    await page.getByLabel('Ticket code').fill(forged);
    await page.getByRole('button', { name: 'Check' }).click();
    await waitVerdict('invalid');
    await shot('scanner-invalid', { phoneToo: true });
  });

  await step('scanner reads a ticket from the camera (jsQR on video frames)', async () => {
    const video = await qrVideo(state.codes[2], join(server.dir, 'ticket-3.y4m'));
    const cam = await launchChromium({
      executablePath: chromePath,
      extraArgs: [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ],
    });
    try {
      cam.on('page', watch);
      const p = cam.pages()[0] ?? (await cam.newPage());
      watch(p);
      p.setDefaultTimeout(T);
      await p.goto(`${base}/login?next=${encodeURIComponent(`/scan/${freeEvent.id}`)}`);
      await p.getByLabel('Email').fill(organizer.email);
      await p.getByLabel('Password').fill(organizer.password);
      await p.getByRole('button', { name: 'Log in' }).click();
      await p.getByText('Offline check ready').waitFor();
      await p.getByRole('button', { name: 'Start camera' }).click();
      await waitVerdict('valid', p);
      await shot('scanner-camera', { target: p, phoneToo: false });
      // The camera keeps seeing the same code; after the repeat pause it is refused.
      await p.locator('.result[data-verdict="already_used"]').waitFor({ timeout: 20_000 });
    } finally {
      await cam.close();
    }
  });

  await step('scanner keeps working offline and syncs when back online', async () => {
    await context.setOffline(true);
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await page.getByText('Offline', { exact: true }).waitFor();
    await page.getByLabel('Ticket code').fill(state.codes[0]);
    await page.getByRole('button', { name: 'Check' }).click();
    await waitVerdict('already_used');
    assert((await text('.result')).includes('Decided offline'), 'not decided offline');
    await page.getByLabel('Ticket code').fill(state.codes[3]);
    await page.getByRole('button', { name: 'Check' }).click();
    await waitVerdict('valid');
    assert((await text('.result')).includes('Decided offline'), 'not decided offline');
    await page.getByText('1 scan to sync').waitFor();
    await shot('scanner-offline', { phoneToo: false });
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.getByText('1 offline scan confirmed with the server.').waitFor({ timeout: 25_000 });
    const t = (await apiFetch(`/api/tickets/${state.ticketIds[3]}`)).body;
    assert(t.status === 'used' && t.validatedAt, `ticket 4 after sync: ${t.status}`);
    await page.getByLabel('Ticket code').fill(state.codes[3]);
    await page.getByRole('button', { name: 'Check' }).click();
    await waitVerdict('already_used');
  });

  await step('analytics count the check-ins', async () => {
    const a = (await apiFetch(`/api/events/${freeEvent.id}/analytics`)).body;
    assert(a.checkedIn === 4 && a.confirmed === 4, `analytics ${JSON.stringify(a)}`);
    await go(`/organizer/events/${freeEvent.id}/analytics`);
    await page.getByRole('img', { name: '4 of 4 guests checked in' }).waitFor();
  });

  await step('an expired access token is refreshed quietly, once, for concurrent requests', async () => {
    const before = await page.evaluate(() => JSON.parse(localStorage.getItem('admit.session')));
    const refreshes = [];
    const onRequest = (r) => r.url().endsWith('/api/auth/refresh') && refreshes.push(r);
    page.on('request', onRequest);
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('admit.session'));
      localStorage.setItem('admit.session', JSON.stringify({ ...s, expiresAt: 0 }));
    });
    // The organizer's events page and the analytics page each start several requests at once.
    await go(`/organizer/events/${freeEvent.id}`);
    await page.locator('table').getByText(attendee.name).first().waitFor();
    page.off('request', onRequest);
    const after = await page.evaluate(() => JSON.parse(localStorage.getItem('admit.session')));
    assert(refreshes.length === 1, `expected one refresh, saw ${refreshes.length}`);
    assert(after.refreshToken !== before.refreshToken && after.expiresAt > Date.now(), 'the session was not renewed');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
  });

  await step('the attendee verifies the address from the mailed link, and the banner goes', async () => {
    await logout();
    await login(attendee);
    await page.getByRole('heading', { name: 'Please verify your email address' }).waitFor();
    await shot('verify-banner');
    const link = await mailedLink(join(server.dir, 'data'), attendee.email, '/verify-email');
    await page.goto(base + new URL(link).pathname + new URL(link).search);
    await page.getByText('Your email address is verified').waitFor();
    await go('/tickets');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.waitForLoadState('networkidle');
    assert(
      (await page.getByRole('heading', { name: 'Please verify your email address' }).count()) === 0,
      'the banner stays after verification',
    );
  });

  await step('door staff accept the invitation and scan with their own account', async () => {
    await logout();
    await login(attendee);
    assert((await page.getByRole('link', { name: /^Scan/ }).count()) === 0, 'Scan is offered before accepting');
    await page.getByRole('link', { name: /^Invitations/ }).click();
    await page.getByRole('heading', { name: 'Door staff invitations' }).waitFor();
    await page.getByRole('button', { name: `Decline invitation to ${freeEvent.name}` }).waitFor();
    await shot('staff-invitations');
    await page.getByRole('button', { name: `Accept invitation to ${freeEvent.name}` }).click();
    await page.getByRole('link', { name: `Open the scanner for ${freeEvent.name}` }).waitFor();
    await page.getByRole('link', { name: /^Scan/ }).click();
    // GET /api/me/staff-events offers the event this account was added to, and only that one.
    const staffed = page.locator('section', { has: page.getByRole('heading', { name: 'Events you are door staff for' }) });
    await staffed.getByRole('link', { name: new RegExp(freeEvent.name) }).waitFor();
    assert((await staffed.getByRole('link').count()) === 1, 'the scanner offers events this account does not staff');
    await shot('scanner-pick-staff');
    await staffed.getByRole('link', { name: new RegExp(freeEvent.name) }).click();
    await page.waitForURL(new RegExp(`/scan/${freeEvent.id}$`));
    await page.getByText('Offline check ready').waitFor();
    await page.getByLabel('Ticket code').fill(state.codes[1]);
    await page.getByRole('button', { name: 'Check' }).click();
    await waitVerdict('already_used');
    await go(`/scan/${paidEvent.id}`);
    await page.getByRole('heading', { name: 'You are not on the door staff for this event' }).waitFor();
    await logout();
    await login(organizer);
  });

  await step('organizer removes the door staff, who then shows as gone', async () => {
    await go(`/organizer/events/${freeEvent.id}`);
    const staffList = page.getByRole('list', { name: 'Door staff' });
    await staffList.getByText(attendee.name).waitFor();
    assert((await staffList.innerText()).includes('Active'), 'the accepted invitation is not active');
    await staffList.getByRole('button', { name: `Remove ${attendee.email}` }).click();
    await page.getByText(`${attendee.name} can no longer scan this event’s tickets.`).waitFor();
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByText('Nobody yet. Invite the people who will check tickets at the entrance.').waitFor();
  });

  await step('a registration with a used ticket cannot be cancelled by its holder', async () => {
    await logout();
    await login(attendee);
    await go(`/tickets?registration=${state.registrationId}`);
    const card = page.locator(`#registration-${state.registrationId}`);
    await card.getByText('Cancellation closed — contact the organizer').waitFor();
    assert((await card.getByRole('button', { name: 'Cancel', exact: true }).count()) === 0, 'a cancel button is offered');
    const res = await apiFetch(`/api/registrations/${state.registrationId}/cancel`, { method: 'POST' });
    assert(res.status === 409 && res.body.type === 'urn:admit:problem:cancellation-closed', `cancel: ${res.status}`);
    await card.scrollIntoViewIfNeeded();
    await shot('tickets-cancel-closed', { full: false });
    await logout();
    await login(organizer);
  });

  await step('organizer cancels a registration with a used ticket, giving a reason', async () => {
    await go(`/organizer/events/${freeEvent.id}`);
    await page.getByRole('button', { name: `Cancel the registration of ${attendee.name}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this registration?' });
    const reason = dialog.getByLabel('Reason (required)');
    await reason.waitFor();
    await dialog.getByRole('button', { name: 'Cancel registration', exact: true }).click();
    await dialog.getByText('Give a reason: the attendee could no longer cancel this themselves.').waitFor();
    assert((await reason.getAttribute('aria-invalid')) === 'true', 'the reason field is not marked invalid');
    await shot('refund-reason', { full: false, phoneToo: false });
    await reason.fill('Guest was taken ill at the door; refunded by the box office');
    await dialog.getByRole('button', { name: 'Cancel registration', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    const reg = (await apiFetch(`/api/registrations/${state.registrationId}`)).body;
    assert(reg.status === 'cancelled', `status ${reg.status}`);
    // The list reloads after the dialog closes: wait for the row's cancel to go, not for one look.
    const gone = await page
      .getByRole('button', { name: `Cancel the registration of ${attendee.name}` })
      .waitFor({ state: 'detached', timeout: 10_000 })
      .then(
        () => true,
        () => false,
      );
    assert(gone, 'the cancelled registration still offers a cancel');
  });

  await step('an admin (made one on the command line) finds who cancelled it in the audit log', async () => {
    const env = { ...process.env, ADMIT_DATA_DIR: join(server.dir, 'data') };
    execFileSync(join(server.dir, 'admit'), ['user', 'role', organizer.email, 'admin'], { env, stdio: 'ignore' });
    await logout(); // the next token carries the new role
    await login(organizer);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByLabel('Event id', { exact: true }).fill(freeEvent.id);
    await page.getByLabel('Action', { exact: true }).fill('registration.cancelled');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: 'Guest was taken ill at the door' });
    await row.waitFor({ timeout: T });
    const me = (await apiFetch('/api/me')).body;
    assert((await row.innerText()).includes(me.userId), 'the entry does not name the organizer as its actor');
    await shot('admin-audit', { phoneToo: true });
  });

  await step('analytics show how the paid event’s holds ended', async () => {
    const { holds } = (await apiFetch(`/api/events/${paidEvent.id}/analytics`)).body;
    assert(holds && holds.placed === 1 && holds.paid === 1, `holds ${JSON.stringify(holds)}`);
    await go(`/organizer/events/${paidEvent.id}/analytics`);
    const line = page.getByTestId('holds');
    await line.waitFor();
    const shown = await line.innerText();
    assert(
      shown === `Holds: ${holds.placed} placed · ${holds.paid} paid · ${holds.expired} expired`,
      `analytics show “${shown}”`,
    );
    await page.getByRole('heading', { name: 'Holds on seats' }).scrollIntoViewIfNeeded();
    await shot('analytics-holds', { full: false, phoneToo: false });
  });

  await step('organizer cancels the paid event', async () => {
    await go(`/organizer/events/${paidEvent.id}`);
    await page.getByRole('button', { name: 'Cancel event…' }).click();
    await page.getByRole('button', { name: 'Cancel the event' }).click();
    await page.locator('.badge', { hasText: 'Cancelled' }).first().waitFor();
    const ev = (await apiFetch(`/api/events/${paidEvent.id}`)).body;
    assert(ev.status === 'cancelled', ev.status);
  });

  await step('deep links and unknown pages render in the app', async () => {
    await go('/no/such/page');
    await page.getByRole('heading', { name: 'We could not find that page' }).waitFor();
    await go('/events/does-not-exist');
    await page.getByRole('heading', { name: 'This event does not exist' }).waitFor();
  });

  await step('logged-out visitors are sent to log in and back', async () => {
    await logout();
    await go('/tickets');
    await page.waitForURL(/\/login\?next=%2Ftickets/);
    await shot('login');
  });

  await step(
    'a guest buys two different tickets for two named people, pays on the order page and gets its link by email',
    async () => {
      const spec = await (await fetch(`${base}/api/openapi.json`)).json();
      if (!spec.components?.schemas?.RegistrationRequest?.properties?.buyer) skip('this server does not take guest orders yet');
      const call = async (path, body, t) => {
        const res = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}) },
          body: JSON.stringify(body),
        });
        return res.json();
      };
      const org = await call('/api/auth/login', { email: organizer.email, password: organizer.password });
      const ev = await call(
        '/api/events',
        {
          name: `Harbour Gala ${stamp}`,
          description: 'A gala with regular and VIP seats.',
          date: '2027-09-10T18:00:00Z',
          timezone: 'Europe/London',
          location: 'Harbourside Hall, Bristol',
          capacity: 30,
          currency: 'GBP',
          ticketTypes: [
            { name: 'Regular', price: 20 },
            { name: 'VIP', price: 60 },
          ],
        },
        org.accessToken,
      );
      await call(
        `/api/events/${ev.eventId}/questions`,
        { label: 'Dietary requirements', type: 'select', options: ['None', 'Vegan'], required: true, scope: 'ticket' },
        org.accessToken,
      );
      const guest = { name: 'Gwen Guest', email: `gwen-${stamp}@example.org` };
      await go(`/events/${ev.eventId}`);
      await page.getByRole('button', { name: 'One more Regular ticket' }).click();
      await page.getByRole('button', { name: 'One more VIP ticket' }).click();
      await page.getByRole('button', { name: 'Continue with 2 tickets' }).click();
      await page.getByRole('button', { name: 'Continue without an account' }).click();
      await page.getByRole('textbox', { name: 'Your name' }).fill(guest.name);
      await page.getByRole('textbox', { name: 'Your email' }).fill(guest.email);
      const box = (n) => page.getByRole('group', { name: new RegExp(`^Ticket ${n} of 2`) });
      await box(2).getByRole('textbox', { name: 'Name on the ticket' }).fill('Victor Vip');
      await box(1).getByRole('combobox', { name: 'Dietary requirements' }).selectOption('None');
      await box(2).getByRole('combobox', { name: 'Dietary requirements' }).selectOption('Vegan');
      await shot('order-form-guest', { phoneToo: false });
      await page.getByRole('button', { name: 'Continue to payment' }).click();
      // The order page reads the token from the fragment and takes it out of the address.
      await page.waitForURL((u) => /^\/orders\/[^/]+$/.test(u.pathname) && !u.hash);
      const registrationId = new URL(page.url()).pathname.split('/').pop();
      await page.getByRole('heading', { name: 'Checkout' }).waitFor();
      await page.getByRole('listitem').filter({ hasText: 'Succeeds' }).getByRole('button', { name: 'Use this card' }).click();
      await page.getByRole('button', { name: 'Pay £80' }).click();
      await page.getByRole('heading', { name: 'Your order' }).waitFor({ timeout: 30_000 });
      await page.getByRole('list', { name: 'Tickets' }).getByText('Victor Vip').waitFor();
      await shot('guest-order');
      // The PDF link is asked for with the order token.
      const pdfResponse = later(
        context.waitForEvent('response', { predicate: (r) => /\/api\/tickets\/[^/]+\/pdf\?/.test(r.url()), timeout: T }),
      );
      await page.getByRole('list', { name: 'Tickets' }).getByRole('button', { name: 'PDF ticket' }).last().click();
      const pdf = await pdfResponse;
      assert(pdf.status() === 200 && pdf.headers()['content-type']?.startsWith('application/pdf'), `guest PDF ${pdf.status()}`);
      for (const p of context.pages()) if (p !== page) await p.close();
      // A reload in the same tab still opens it (the token is kept for this order in sessionStorage).
      await page.reload();
      await page.getByRole('list', { name: 'Tickets' }).getByText(guest.name).waitFor();
      // The confirmation email links to the same page with the token in the query (API.md).
      const link = await mailedLink(join(server.dir, 'data'), guest.email, `/orders/${registrationId}`, 30_000);
      assert(link.includes(`/orders/${registrationId}?token=`), `order link ${link}`);
      // Opened afresh (another page first, nothing kept in the tab), as from the mail client.
      await go('/');
      await page.evaluate(() => sessionStorage.clear());
      const mailed = new URL(link);
      await page.goto(base + mailed.pathname + mailed.search);
      await page.getByRole('list', { name: 'Tickets' }).getByText('Victor Vip').waitFor();
      assert(!page.url().includes('token='), `the token stayed in the address: ${page.url()}`);
    },
  );

  await step('checkout through the stripe provider (Stripe.js test double served for js.stripe.com)', async () => {
    // js.stripe.com is unreachable here: the browser gets a TEST DOUBLE of Stripe.js through
    // Playwright's page routing (see e2e/stripe.mjs), and admit talks to a fake Stripe API.
    const fakeApi = await startFakeStripeApi();
    const webhookSecret = `whsec_e2e${stamp}`;
    const stripeAdmit = await startAdmit({
      bin,
      webDir: dist,
      env: {
        ADMIT_PAYMENT_PROVIDER: 'stripe',
        ADMIT_STRIPE_API_BASE: fakeApi.url,
        ADMIT_STRIPE_SECRET_KEY: 'sk_test_e2e',
        ADMIT_STRIPE_WEBHOOK_SECRET: webhookSecret,
        ADMIT_STRIPE_PUBLISHABLE_KEY: 'pk_test_e2e_publishable',
      },
    });
    const ctx = await launchChromium({ executablePath: chromePath });
    try {
      timeApi(ctx);
      ctx.on('page', watch);
      const stripeLog = [];
      await routeStripeJs(ctx, { fakeApi, admitUrl: stripeAdmit.url, webhookSecret, log: stripeLog });
      const p = ctx.pages()[0] ?? (await ctx.newPage());
      watch(p);
      p.setDefaultTimeout(T);
      const call = async (path, { token: t, body } = {}) => {
        const res = await fetch(`${stripeAdmit.url}${path}`, {
          method: body ? 'POST' : 'GET',
          headers: { 'content-type': 'application/json', ...(t ? { authorization: `Bearer ${t}` } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { status: res.status, body: await res.json() };
      };
      const org = await call('/api/auth/signup', {
        body: { email: `s-org-${stamp}@example.org`, password: 'organizer-pass-1', name: 'Stripe Organizer', role: 'organizer' },
      });
      const ev = await call('/api/events', {
        token: org.body.accessToken,
        body: {
          name: `Paid by Stripe ${stamp}`,
          date: '2027-09-01T18:00:00Z',
          timezone: 'Europe/Paris',
          location: 'Salle Pleyel',
          capacity: 20,
          price: 30,
          currency: 'EUR',
        },
      });
      assert(ev.status === 201, `event: ${JSON.stringify(ev.body)}`);
      await p.goto(`${stripeAdmit.url}/signup`);
      await p.getByLabel('Your name').fill('Stella Stripe');
      await p.getByLabel('Email').fill(`stella-${stamp}@example.org`);
      await p.getByLabel('Password').fill('attendee-pass-1');
      await p.getByRole('button', { name: 'Create account' }).click();
      await p.getByRole('button', { name: 'Log out' }).waitFor();
      assert(!stripeLog.some((u) => u.includes('js.stripe.com')), 'Stripe.js loaded before checkout');
      await p.goto(`${stripeAdmit.url}/events/${ev.body.eventId}`);
      await p.getByRole('button', { name: 'Reserve 1 ticket' }).click();
      await p.waitForURL(/\/checkout\//);
      const regId = new URL(p.url()).pathname.split('/').pop();
      // The Payment Element (here the double's field) mounts with the intent's client secret.
      await p.getByLabel('Card number (Stripe test double)').waitFor();
      assert((await p.getByText('4242 4242 4242 4242').count()) === 0, 'the sandbox test cards show with the stripe provider');
      const double = await p.evaluate(() => window.__stripeDouble);
      const intent = [...fakeApi.intents.values()].find((i) => i.metadata.registrationId === regId);
      assert(
        intent && double.clientSecret === intent.client_secret,
        `client secret ${double.clientSecret} vs ${intent?.client_secret}`,
      );
      assert(double.publishableKey === 'pk_test_e2e_publishable', `publishable key ${double.publishableKey}`);
      assert(
        stripeLog.some((u) => /^https:\/\/js\.stripe\.com\/[a-z0-9]+\/stripe\.js/.test(u)),
        `Stripe.js URL: ${stripeLog.join(', ')}`,
      );
      await shot('checkout-stripe', { target: p });
      // A declined card, then one that succeeds.
      await p.getByLabel('Card number (Stripe test double)').fill('4000 0000 0000 0002');
      await p.getByRole('button', { name: 'Pay €30' }).click();
      await p.locator('[role="alert"]', { hasText: 'Your card was declined.' }).waitFor();
      await p.getByLabel('Card number (Stripe test double)').fill('4242 4242 4242 4242');
      await p.getByRole('button', { name: 'Pay €30' }).click();
      await p.getByRole('heading', { name: 'You’re going!' }).waitFor({ timeout: 30_000 });
      await shot('checkout-stripe-paid', { target: p, phoneToo: false });
      assert(stripeLog.includes('webhook → 200'), `webhook: ${stripeLog.join(', ')}`);
      const createCalls = fakeApi.calls.filter((c) => c.method === 'POST' && c.url === '/v1/payment_intents');
      assert(
        createCalls.length >= 1 && createCalls.every((c) => c.form.amount === '3000' && c.form.currency === 'eur'),
        JSON.stringify(createCalls),
      );
      console.log(`      (stripe double: ${stripeLog.filter((l) => !l.startsWith('https://js')).join('; ')})`);
    } finally {
      await ctx.close().catch(() => undefined);
      await stripeAdmit.stop();
      await fakeApi.stop();
    }
  });

  await step('the API calls behind each main page finish quickly (request timing in Chromium)', async () => {
    const byPage = new Map();
    for (const t of apiTimings) {
      if (!byPage.has(t.page)) byPage.set(t.page, []);
      byPage.get(t.page).push(t);
    }
    const q = (xs, f) => xs[Math.min(xs.length - 1, Math.floor(f * xs.length))];
    const rows = [];
    for (const [name, list] of [...byPage].sort()) {
      const ms = list.map((t) => t.ms).sort((a, b) => a - b);
      const slowest = list.reduce((a, b) => (b.ms > a.ms ? b : a));
      const ttfb = list.map((t) => t.ttfb).sort((a, b) => a - b);
      rows.push({
        page: name,
        calls: ms.length,
        medianMs: +q(ms, 0.5).toFixed(1),
        p95Ms: +q(ms, 0.95).toFixed(1),
        maxMs: +ms[ms.length - 1].toFixed(1),
        ttfbMedianMs: +q(ttfb, 0.5).toFixed(1),
        ttfbMaxMs: +ttfb[ttfb.length - 1].toFixed(1),
        slowest: slowest.path,
      });
    }
    console.log(
      `      load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} cores; ms:`,
    );
    console.log('      page                        calls  median    p95     max  ttfb med  ttfb max   slowest call');
    for (const r of rows)
      console.log(
        `      ${r.page.padEnd(27)} ${String(r.calls).padStart(5)} ${r.medianMs.toFixed(1).padStart(7)} ${r.p95Ms.toFixed(1).padStart(7)} ${r.maxMs.toFixed(1).padStart(7)} ${r.ttfbMedianMs.toFixed(1).padStart(9)} ${r.ttfbMaxMs.toFixed(1).padStart(9)}   ${r.slowest}`,
      );
    writeFileSync(
      join(shots, 'api-timings.json'),
      JSON.stringify({ budget: kApiBudget, loadavg: loadavg(), pages: rows, calls: apiTimings }, null, 1),
    );
    const main = rows.filter((r) => r.page !== 'other');
    assert(main.length >= 8, `only ${main.length} main pages were timed`);
    const over = main.filter((r) => r.medianMs > kApiBudget.medianMs || r.maxMs > kApiBudget.maxMs);
    assert(
      over.length === 0,
      `over budget (median ${kApiBudget.medianMs} ms, max ${kApiBudget.maxMs} ms): ${JSON.stringify(over)}`,
    );
  });

  await walk.finalSteps(step);
} finally {
  await walk.close();
}
report('e2e', shots, results);
