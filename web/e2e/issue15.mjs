#!/usr/bin/env node
// End-to-end walk of issue 15's web flows in Debian's Chromium against a real `admit serve`:
// promo and access codes, cancelling some tickets of an order, the waiting list (a guest joins,
// confirms by email, gets an offer by email and claims it) and complimentary tickets.
//
//   ADMIT_BIN=../build/release/src/admit node e2e/issue15.mjs
//
// Needs a server with issue 15's API (promo codes, waiting list, partial cancellation, comps).
// Like run.mjs (the setup is lib.mjs's startWalk) it starts the server with a temporary database
// serving web/dist, checks each page with axe-core and at a phone's width, and saves screenshots
// in e2e/screenshots/issue15/.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, createRunner, mailedLink, mailedText, report, startWalk } from './lib.mjs';

const shots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots', 'issue15');
const { step, skip, results } = createRunner();
const walk = await startWalk({ shots });
const { page, dataDir, shot, go, openLink, call, signup, login, logout } = walk;
const sessionToken = walk.token;

async function payWith4242(amountLabel) {
  await page.getByRole('listitem').filter({ hasText: 'Succeeds' }).getByRole('button', { name: 'Use this card' }).click();
  await page.getByRole('button', { name: `Pay ${amountLabel}` }).click();
}

const stamp = Date.now().toString(36);
const organizer = { name: 'Olivia Organizer', email: `olivia15-${stamp}@example.org`, password: 'organizer-pass-1' };
const buyer = { name: 'Arthur Attendee', email: `arthur15-${stamp}@example.org`, password: 'attendee-pass-1' };
const guest = { name: 'Gwen Waiting', email: `gwen15-${stamp}@example.org` };
const second = { name: 'Hank Second', email: `hank15-${stamp}@example.org` };
const state = { eventId: '', orgToken: '', crewTypeId: '', registrationId: '', guestOrderId: '' };

try {
  await step('this server has issue 15’s API', async () => {
    const spec = (await call('GET', '/api/openapi.json')).body;
    for (const path of ['/api/events/{id}/promo-codes', '/api/events/{id}/waitlist', '/api/events/{id}/comps'])
      assert(spec.paths?.[path], `the server does not describe ${path}`);
  });

  await step('organizer makes a paid event of two seats with a hidden crew type', async () => {
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
    // One type on show (Crew stays hidden without its code): one ticket is chosen to start with.
    await page.getByRole('button', { name: 'One more ticket' }).click();
    const box = page.getByRole('complementary', { name: 'Tickets' });
    await box.locator('.summary-line', { hasText: 'Discount (code EARLY)' }).getByText('−€10').waitFor();
    await box.locator('.summary-line.total').getByText('€30').waitFor();
    await page.getByRole('button', { name: 'Continue with 2 tickets' }).click();
    await page.waitForURL(/\/order\?items=.*&code=early/);
    // The discount is shown before the order is placed, as it will be charged: 25 % of 2 × €20.
    const summary = page.getByRole('complementary', { name: 'Your order' });
    await summary.locator('.summary-line', { hasText: 'Discount (code EARLY)' }).getByText('−€10').waitFor();
    await summary.locator('.summary-line.total').getByText('€30').waitFor();
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

  /// A guest joins the sold-out event's waiting list for one ticket and confirms by the mailed link.
  async function joinAsGuest(who, position, { shoot = false } = {}) {
    await go(`/events/${state.eventId}`);
    await page.getByText('Sold out.').waitFor();
    await page.getByRole('button', { name: 'Join the waiting list' }).click();
    const form = page.getByRole('form', { name: 'Join the waiting list' });
    await form.getByLabel('Your name').fill(who.name);
    await form.getByLabel('Your email').fill(who.email);
    if (shoot) await shot('waitlist-join', { phoneToo: false });
    await form.getByRole('button', { name: 'Join the waiting list' }).click();
    await page.getByText(`We sent a link to ${who.email}`).waitFor();
    await openLink(await mailedLink(dataDir, who.email, '/waitlist/confirm', 30_000));
    await page.getByText('Your place is confirmed').waitFor();
    await page.getByText(`You are number ${position} in line`).waitFor();
  }

  await step('sold out: two guests join the waiting list in turn and confirm their places from the mailed links', async () => {
    if (!state.registrationId) skip('no order');
    await logout();
    await joinAsGuest(guest, 1, { shoot: true });
    await shot('waitlist-confirmed');
    await joinAsGuest(second, 2);
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
    // Paula's ticket is void (no PDF to print); Arthur's still prints.
    const paula = card.locator('li.ticket', { hasText: 'Paula Plusone' });
    await paula.getByText('Cancelled').waitFor();
    assert((await paula.getByRole('button', { name: 'PDF ticket' }).count()) === 0, 'the void ticket still offers a PDF');
    const pdf = walk.context.waitForEvent('response', { predicate: (r) => /\/api\/tickets\/[^/]+\/pdf\?/.test(r.url()) });
    pdf.catch(() => undefined); // awaited below; a failed click must not leave it unhandled
    await card.locator('li.ticket', { hasText: buyer.name }).getByRole('button', { name: 'PDF ticket' }).click();
    const res = await pdf;
    assert(res.status() === 200 && res.headers()['content-type']?.startsWith('application/pdf'), `PDF ${res.status()}`);
    for (const p of walk.context.pages()) if (p !== page) await p.close();
    const reg = (await call('GET', `/api/registrations/${state.registrationId}`, undefined, await sessionToken())).body;
    assert(reg.status === 'confirmed' && reg.refundedAmount === 15, `after the cancel ${reg.status} ${reg.refundedAmount}`);
    assert(reg.tickets.filter((t) => t.status === 'void').length === 1, 'one ticket is void');
    // The holder is told by email which ticket went and what comes back.
    await mailedText(dataDir, buyer.email, /Paula Plusone.*is cancelled.*€15\.00 you paid for it is being refunded/, 30_000);
    await shot('tickets-partly-cancelled');
  });

  await step('the freed seat is offered to the guest by email, who claims it and pays on the order page', async () => {
    if (!state.registrationId) skip('no order');
    await logout();
    // The first in line is offered the freed seat by email, saying until when it is held.
    await mailedText(dataDir, guest.email, /1 ticket \(General\) is held for you until .+Claim your tickets/, 30_000);
    await openLink(await mailedLink(dataDir, guest.email, '/waitlist/offers/[A-Za-z0-9_-]+', 30_000));
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
    const waitlist = page.getByRole('region', { name: 'Waiting list' });
    await waitlist.getByRole('row').filter({ hasText: guest.email }).getByText('Claimed').waitFor();
    // The second in line got no offer: one seat came free, and it went to the first.
    const hank = waitlist.getByRole('row').filter({ hasText: second.email });
    await hank.getByText('Waiting').waitFor();
    assert((await hank.getByRole('cell').first().innerText()).trim() === '1', 'Hank is now first in line');
    await page.getByText(/−€10 with EARLY/).waitFor();
    await page
      .getByText(/€15 refunded/)
      .first()
      .waitFor();
    await shot('organizer-issue15');
  });

  await step('organizer issues comps from a pasted list: bad lines are named first, then all are issued', async () => {
    if (!state.eventId) skip('no event');
    // Three more seats: the first goes to Hank, next in line, the other two are the comps'.
    await go(`/organizer/events/${state.eventId}/edit`);
    await page.getByLabel('Capacity').fill('5');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\?saved=1$/);
    await page
      .getByRole('region', { name: 'Waiting list' })
      .getByRole('row')
      .filter({ hasText: second.email })
      .getByText('Offered')
      .waitFor();
    await mailedLink(dataDir, second.email, '/waitlist/offers/[A-Za-z0-9_-]+', 30_000);
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
    const rows = (await call('GET', `/api/events/${state.eventId}/registrations`, undefined, state.orgToken)).body.items;
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

  await walk.finalSteps(step);
} finally {
  await walk.close();
}
report('e2e (issue 15)', shots, results);
