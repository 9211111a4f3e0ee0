#!/usr/bin/env node
// End-to-end walk of issue 15's web flows in Debian's Chromium against a real `admit serve`:
// promo and access codes, cancelling some tickets of an order, the waiting list (a guest joins,
// confirms by email, gets an offer by email and claims it) and complimentary tickets.
//
//   ADMIT_BIN=../build/release/src/admit node e2e/issue15.mjs
//
// Needs a server with issue 15's API (promo codes, waiting list, partial cancellation, comps).
// Like run.mjs it starts the server with a temporary database serving web/dist, checks each page
// with axe-core and at a phone's width, and saves screenshots in e2e/screenshots/issue15/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, createRunner, launchChromium, mailedLink, removeTempDirs, startAdmit } from './lib.mjs';

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = resolve(webDir, process.env.ADMIT_BIN ?? '../build/release/src/admit');
const chromePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const shots = join(webDir, 'e2e', 'screenshots', 'issue15');
const dist = join(webDir, 'dist');
const T = Number(process.env.E2E_TIMEOUT_MS ?? 15_000);

for (const [what, path] of [
  ['admit binary (set ADMIT_BIN)', bin],
  ['Chromium (apt-get install -y chromium)', chromePath],
]) {
  if (!existsSync(path)) {
    console.error(`missing ${what}: ${path}`);
    process.exit(2);
  }
}
if (!existsSync(join(dist, 'index.html')) || process.env.E2E_BUILD === '1') {
  console.log('building the web app…');
  execFileSync('npm', ['run', 'build'], { cwd: webDir, stdio: 'inherit' });
}
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });

const { step, skip, results } = createRunner();
const server = await startAdmit({
  bin,
  webDir: dist,
  log: process.env.E2E_VERBOSE ? (l) => console.log(`    [admit] ${l}`) : undefined,
});
const base = server.url;
const dataDir = join(server.dir, 'data');
console.log(`admit serving ${dist} at ${base}`);

const context = await launchChromium({ executablePath: chromePath });
const consoleErrors = [];
function watch(p) {
  p.on('console', (msg) => {
    // Chromium reports every 4xx answer as "Failed to load resource"; some are the point of a step.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
      consoleErrors.push(`${p.url()}: ${msg.text()}`);
  });
  p.on('pageerror', (err) => consoleErrors.push(`${p.url()}: ${err.message}`));
}
context.on('page', watch);
const page = context.pages()[0] ?? (await context.newPage());
watch(page);
page.setDefaultTimeout(T);

const desktop = { width: 1280, height: 860 };
const phone = { width: 390, height: 844 };
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const a11yFindings = [];
const overflows = [];
async function checkA11y(name) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  for (const v of violations) a11yFindings.push({ page: name, ...v });
}
/// Checks the page (axe, a phone's width) and saves it at both widths.
async function shot(name, { phoneToo = true } = {}) {
  await checkA11y(name);
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(shots, `${name}-desktop.png`), fullPage: true });
  if (!phoneToo) return;
  await page.setViewportSize(phone);
  await page.waitForTimeout(250);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > phone.width) overflows.push(`${name}: ${width}px wide at a ${phone.width}px phone width`);
  await page.screenshot({ path: join(shots, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(desktop);
}

const go = (path) => page.goto(`${base}${path}`);
/// Opens a mailed link on this server (the mail's origin is ADMIT_PUBLIC_URL's).
const openLink = (link) => {
  const u = new URL(link);
  return page.goto(base + u.pathname + u.search + u.hash);
};
/// A JSON request to the API as `who` (an access token), for setting up and for checking what the
/// pages did.
async function call(method, path, body, bearer) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? await res.json() : await res.text() };
}
const sessionToken = () => page.evaluate(() => JSON.parse(localStorage.getItem('admit.session') ?? 'null')?.accessToken ?? null);

async function signup(who, role) {
  await go('/signup');
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  if (role === 'organizer') await page.getByRole('radio', { name: /Organize events/ }).check();
  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}
async function login(who) {
  await go('/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}
async function logout() {
  if ((await page.getByRole('button', { name: 'Log out' }).count()) === 0) return;
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('link', { name: 'Log in' }).waitFor();
}
async function payWith4242(amountLabel) {
  await page.getByRole('listitem').filter({ hasText: 'Succeeds' }).getByRole('button', { name: 'Use this card' }).click();
  await page.getByRole('button', { name: `Pay ${amountLabel}` }).click();
}

const stamp = Date.now().toString(36);
const organizer = { name: 'Olivia Organizer', email: `olivia15-${stamp}@example.org`, password: 'organizer-pass-1' };
const buyer = { name: 'Arthur Attendee', email: `arthur15-${stamp}@example.org`, password: 'attendee-pass-1' };
const guest = { name: 'Gwen Waiting', email: `gwen15-${stamp}@example.org` };
const state = { eventId: '', orgToken: '', crewTypeId: '', registrationId: '', guestOrderId: '' };

try {
  await step('this server has issue 15’s API', async () => {
    const spec = await (await fetch(`${base}/api/openapi.json`)).json();
    for (const path of ['/api/events/{id}/promo-codes', '/api/events/{id}/waitlist', '/api/events/{id}/comps'])
      if (!spec.paths?.[path]) skip(`the server does not describe ${path} yet`);
  });

  await step('organizer makes a paid event of two seats with a hidden crew type', async () => {
    if (results.skipped) skip('no issue 15 API');
    await signup(organizer, 'organizer');
    state.orgToken = await sessionToken();
    const ev = await call(
      'POST',
      '/api/events',
      {
        name: `Rooftop Jazz ${stamp}`,
        description: 'Two seats only.',
        date: '2027-07-02T19:00:00Z',
        timezone: 'Europe/Berlin',
        location: 'Kulturbrauerei, Berlin',
        capacity: 2,
        currency: 'EUR',
        ticketTypes: [
          { name: 'General', price: 20 },
          { name: 'Crew', price: 0, hidden: true },
        ],
      },
      state.orgToken,
    );
    assert(ev.status === 201, `event ${ev.status} ${JSON.stringify(ev.body)}`);
    state.eventId = ev.body.eventId;
    state.crewTypeId = ev.body.ticketTypes.find((t) => t.name === 'Crew').ticketTypeId;
  });

  await step('organizer adds an early-bird code limited to 100 uses, and an access code, on the event page', async () => {
    if (!state.eventId) skip('no event');
    await go(`/organizer/events/${state.eventId}`);
    await page.getByRole('heading', { name: 'Promo and access codes' }).waitFor();
    await page.getByRole('button', { name: 'Add code' }).click();
    let form = page.getByRole('form', { name: 'New promo code' });
    await form.getByLabel('Code', { exact: true }).fill('EARLY');
    await form.getByLabel('Percent off').fill('25');
    await form.getByLabel('Uses in all').fill('100');
    await form.getByLabel('Valid until').fill('2027-06-30T23:59');
    await shot('promo-form', { phoneToo: false });
    await form.getByRole('button', { name: 'Add code' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('list', { name: 'Codes' }).getByText('0 of 100 used').waitFor();
    await page.getByRole('button', { name: 'Add code' }).click();
    form = page.getByRole('form', { name: 'New promo code' });
    await form.getByLabel('Code', { exact: true }).fill('CREW');
    await form.getByLabel('No discount (access code)').check();
    await form.getByRole('group', { name: 'Unlocks hidden types' }).getByLabel('Crew').check();
    await form.getByRole('button', { name: 'Add code' }).click();
    await form.waitFor({ state: 'detached' });
    await shot('promo-codes');
    const codes = (await call('GET', `/api/events/${state.eventId}/promo-codes`, undefined, state.orgToken)).body.items;
    const early = codes.find((c) => c.code === 'EARLY');
    assert(early?.discountPercent === 25 && early.maxUses === 100, `EARLY ${JSON.stringify(early)}`);
    assert(early.validUntil === '2027-06-30T21:59:00Z', `the window was not taken in Berlin time: ${early.validUntil}`);
  });

  await step('a visitor’s ?code= shows the hidden type it unlocks; an unknown code is refused beside the field', async () => {
    if (!state.eventId) skip('no event');
    await logout();
    await go(`/events/${state.eventId}?code=crew`);
    await page.getByRole('list', { name: 'Ticket types' }).getByText('Crew').waitFor();
    await page.getByText(/applied: unlocks Crew/).waitFor();
    await shot('event-access-code', { phoneToo: false });
    await go(`/events/${state.eventId}?code=NOPE${stamp}`);
    await page.getByText(/This code is not valid for this event/).waitFor();
    assert((await page.getByRole('list', { name: 'Ticket types' }).getByText('Crew').count()) === 0, 'a hidden type shows');
  });

  await step('a buyer orders both seats with the early-bird code and sees the discount before paying', async () => {
    if (!state.eventId) skip('no event');
    await signup(buyer, 'attendee');
    await go(`/events/${state.eventId}`);
    await page.getByRole('button', { name: 'Have a promo code?' }).click();
    await page.getByLabel('Promo code').fill('early');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/applied: 25% off each ticket/).waitFor();
    await page.getByRole('button', { name: 'One more General ticket' }).click();
    await page.getByRole('button', { name: 'One more General ticket' }).click();
    await page.getByRole('button', { name: 'Continue with 2 tickets' }).click();
    await page.waitForURL(/\/order\?items=.*&code=early/);
    await page.getByText('Total before discount').waitFor();
    await page
      .getByRole('group', { name: /^Ticket 2 of 2/ })
      .getByRole('textbox', { name: 'Name on the ticket' })
      .fill('Paula Plusone');
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.waitForURL(/\/checkout\//);
    state.registrationId = page.url().split('/').pop();
    await page.getByText('Discount (code EARLY)').waitFor();
    await shot('checkout-discount');
    const reg = (await call('GET', `/api/registrations/${state.registrationId}`, undefined, await sessionToken())).body;
    assert(reg.amount === 30 && reg.discount === 10 && reg.promoCode === 'EARLY', `order ${JSON.stringify(reg)}`);
    assert(reg.items[0].unitPrice === 20 && reg.items[0].discountedUnitPrice === 15, `items ${JSON.stringify(reg.items)}`);
    await payWith4242('€30');
    await page.getByRole('heading', { name: 'You’re going!' }).waitFor({ timeout: 30_000 });
  });

  await step('sold out: a guest joins the waiting list and confirms the place from the mailed link', async () => {
    if (!state.registrationId) skip('no order');
    await logout();
    await go(`/events/${state.eventId}`);
    await page.getByText('Sold out.').waitFor();
    await page.getByRole('button', { name: 'Join the waiting list' }).click();
    const form = page.getByRole('form', { name: 'Join the waiting list' });
    await form.getByLabel('Your name').fill(guest.name);
    await form.getByLabel('Your email').fill(guest.email);
    await shot('waitlist-join', { phoneToo: false });
    await form.getByRole('button', { name: 'Join the waiting list' }).click();
    await page.getByText('Check your email to confirm').waitFor();
    await openLink(await mailedLink(dataDir, guest.email, '/waitlist/confirm', 30_000));
    await page.getByText('Your place is confirmed').waitFor();
    await page.getByText(/You are number 1 in line/).waitFor();
    await shot('waitlist-confirmed');
  });

  await step('the buyer cancels one of the two tickets and gets exactly its discounted half back', async () => {
    if (!state.registrationId) skip('no order');
    await login(buyer);
    await go('/tickets');
    const card = page.locator(`#registration-${state.registrationId}`);
    await card.getByRole('button', { name: 'Cancel some tickets…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel tickets?' });
    await dialog.getByLabel(/Paula Plusone/).check();
    await dialog.getByText('You will be refunded €15 to your card.').waitFor();
    await shot('cancel-tickets', { phoneToo: false });
    await dialog.getByRole('button', { name: 'Cancel 1 ticket' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await card.getByText(/€15 refunded/).waitFor();
    const reg = (await call('GET', `/api/registrations/${state.registrationId}`, undefined, await sessionToken())).body;
    assert(reg.status === 'confirmed' && reg.refundedAmount === 15, `after the cancel ${reg.status} ${reg.refundedAmount}`);
    assert(reg.tickets.filter((t) => t.status === 'void').length === 1, 'one ticket is void');
    await shot('tickets-partly-cancelled');
  });

  await step('the freed seat is offered to the guest by email, who claims it and pays on the order page', async () => {
    if (!state.registrationId) skip('no order');
    await logout();
    await openLink(await mailedLink(dataDir, guest.email, '/offers/[A-Za-z0-9_-]+', 30_000));
    await page.getByRole('heading', { name: 'Seats are waiting for you' }).waitFor();
    assert(!page.url().includes('token='), `the token stayed in the address: ${page.url()}`);
    await page.getByText(/Held for you until/).waitFor();
    await shot('offer');
    // The holders are asked as at checkout; nothing is claimed while one is missing.
    await page.getByRole('button', { name: 'Claim and continue to payment' }).click();
    await page.getByText('Enter a name.').waitFor();
    await page
      .getByRole('group', { name: /^Ticket 1 of 1/ })
      .getByRole('textbox', { name: 'Name on the ticket' })
      .fill(guest.name);
    await page.getByRole('button', { name: 'Claim and continue to payment' }).click();
    await page.waitForURL((u) => /^\/orders\/[^/]+$/.test(u.pathname));
    state.guestOrderId = new URL(page.url()).pathname.split('/').pop();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await payWith4242('€20');
    await page.getByRole('heading', { name: 'Your order' }).waitFor({ timeout: 30_000 });
    await page.getByRole('list', { name: 'Tickets' }).getByText(guest.name).waitFor();
  });

  await step('organizer sees the code’s use, the claimed entry, and discount and refund among the registrations', async () => {
    if (!state.guestOrderId) skip('no claimed offer');
    await login(organizer);
    await go(`/organizer/events/${state.eventId}`);
    await page.getByRole('list', { name: 'Codes' }).getByText('1 of 100 used').waitFor();
    await page.getByLabel(/Show claimed, expired and removed/).check();
    await page.getByRole('heading', { name: 'Waiting list' }).waitFor();
    await page.locator('table').filter({ hasText: guest.email }).getByText('Claimed').waitFor();
    await page.getByText(/−€10 with EARLY/).waitFor();
    await page
      .getByText(/€15 refunded/)
      .first()
      .waitFor();
    await shot('organizer-issue15');
  });

  await step('organizer issues comps from a pasted list: bad lines are named first, then all are issued', async () => {
    if (!state.eventId) skip('no event');
    const raised = await call('PUT', `/api/events/${state.eventId}`, { capacity: 4 }, await sessionToken());
    assert(raised.status === 200, `capacity ${raised.status}`);
    await page.reload();
    await page.getByRole('heading', { name: 'Complimentary tickets' }).waitFor();
    await page.getByLabel('Paste a list').check();
    await page.getByLabel('Guest list').fill('Press Person <press@example.org>\nno address here\nCrew Member, crew@example.org');
    await page.getByRole('button', { name: 'Issue comp tickets' }).click();
    await page.getByText(/Line 2 .*Write it as/).waitFor();
    await shot('comps-errors', { phoneToo: false });
    await page.getByLabel('Guest list').fill('Press Person <press@example.org>\nCrew Member, crew@example.org');
    await page.getByRole('button', { name: 'Issue comp tickets' }).click();
    await page.getByText('2 comp tickets were issued; each recipient is emailed.').waitFor();
    await page.locator('table .badge', { hasText: 'Comp' }).nth(1).waitFor();
    const rows = (await call('GET', `/api/events/${state.eventId}/registrations`, undefined, await sessionToken())).body.items;
    const comps = rows.filter((r) => r.source === 'comp');
    assert(
      comps.length === 2 && comps.every((r) => r.amount === 0 && r.status === 'confirmed'),
      `comps ${JSON.stringify(comps)}`,
    );
    await mailedLink(dataDir, 'press@example.org', '/orders/[A-Za-z0-9_-]+', 30_000);
  });

  await step('a signed-in buyer joins the list of the full event, sees it on My tickets and leaves it', async () => {
    if (!state.eventId) skip('no event');
    await logout();
    await login(buyer);
    await go(`/events/${state.eventId}`);
    await page.getByRole('button', { name: 'Join the waiting list' }).click();
    await page
      .getByRole('form', { name: 'Join the waiting list' })
      .getByRole('button', { name: 'Join the waiting list' })
      .click();
    await page
      .getByText(/in line/)
      .first()
      .waitFor();
    await go('/tickets');
    await page.getByRole('heading', { name: 'Waiting lists' }).waitFor();
    await shot('my-waitlist');
    await page.getByRole('button', { name: /^Leave the waiting list for / }).click();
    await page.getByRole('button', { name: 'Leave it' }).click();
    await page.getByRole('heading', { name: 'Waiting lists' }).waitFor({ state: 'detached' });
    const mine = (await call('GET', '/api/me/waitlist', undefined, await sessionToken())).body.items;
    assert(
      mine.every((w) => w.status === 'removed'),
      `entries ${JSON.stringify(mine)}`,
    );
  });

  await step('no serious accessibility problems on these pages (axe-core, WCAG 2.1 AA)', async () => {
    const serious = a11yFindings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
    for (const f of a11yFindings) console.log(`      [${f.impact}] ${f.page}: ${f.id} — ${f.help} (${f.nodes.join(', ')})`);
    assert(serious.length === 0, `${serious.length} serious accessibility findings`);
  });

  await step('every page fits a phone screen without sideways scrolling', async () => {
    assert(overflows.length === 0, overflows.join('\n'));
  });

  await step('no errors in the browser console', async () => {
    assert(consoleErrors.length === 0, `console errors:\n${consoleErrors.join('\n')}`);
  });
} finally {
  await context.close().catch(() => undefined);
  await server.stop();
  if (!process.env.E2E_KEEP) removeTempDirs();
}

console.log(`\nscreenshots: ${shots}`);
for (const f of results.failures) console.log(`FAILED: ${f.name}`);
console.log(`e2e (issue 15): ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(results.failed ? 1 : 0);
