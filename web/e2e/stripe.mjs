// Test doubles for paying through the `stripe` provider in the end-to-end walk.
//
// This machine cannot reach Stripe (api.stripe.com, js.stripe.com). So:
// - `startFakeStripeApi` is a small HTTP server on 127.0.0.1 standing in for Stripe's REST API,
//   which admit calls server-side (ADMIT_STRIPE_API_BASE points at it): it creates, reads and
//   refunds payment intents.
// - `routeStripeJs` makes Playwright answer the browser's requests to https://js.stripe.com and
//   https://api.stripe.com (page.route) with a TEST DOUBLE of Stripe.js written here. It is not
//   Stripe's script: it offers the calls Admit's checkout makes (Stripe(), elements(),
//   create('payment'), mount, on('ready'), submit(), confirmPayment()), draws a plain card-number
//   field in place of the Payment Element's iframe, and on confirm tells the fake API, which then
//   delivers a signed `payment_intent.succeeded` webhook to admit, as Stripe would.
// What this proves: the app loads Stripe.js only on checkout, from js.stripe.com (allowed by the
// page's CSP), starts it with the server's publishable key, creates the Payment Element with the
// intent's client secret, confirms through Stripe.js, and shows the registration confirmed once
// the webhook lands. What it cannot prove: that Stripe's real script behaves like the double.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

/// Stripe's webhook signature: t=<unix seconds>,v1=HMAC-SHA256(secret, "<t>.<payload>").
export function signWebhook(payload, secret, t = Math.floor(Date.now() / 1000)) {
  const v1 = createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export async function startFakeStripeApi() {
  const intents = new Map();
  const byKey = new Map();
  const calls = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      calls.push({ method: req.method, url: req.url, form, auth: req.headers.authorization ?? '' });
      const send = (status, json) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (!/^Bearer sk_test_/.test(req.headers.authorization ?? '')) {
        return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      }
      const key = req.headers['idempotency-key'];
      if (req.method === 'POST' && req.url === '/v1/payment_intents') {
        if (key && byKey.has(key)) return send(200, intents.get(byKey.get(key)));
        const id = `pi_e2e${randomBytes(8).toString('hex')}`;
        const intent = {
          id,
          object: 'payment_intent',
          amount: Number(form.amount),
          currency: form.currency,
          client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
          status: 'requires_payment_method',
          metadata: { registrationId: form['metadata[registrationId]'] ?? '' },
        };
        intents.set(id, intent);
        if (key) byKey.set(key, id);
        return send(200, intent);
      }
      const m = /^\/v1\/payment_intents\/([^/?]+)$/.exec(req.url);
      if (req.method === 'GET' && m) {
        const intent = intents.get(decodeURIComponent(m[1]));
        return intent
          ? send(200, intent)
          : send(404, { error: { type: 'invalid_request_error', message: 'No such payment_intent' } });
      }
      if (req.method === 'POST' && req.url === '/v1/refunds') {
        return send(200, { id: `re_e2e${randomBytes(6).toString('hex')}`, object: 'refund', status: 'succeeded' });
      }
      send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url})` } });
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    intents,
    calls,
    stop: () => new Promise((r) => server.close(r)),
  };
}

/// The Stripe.js test double's source (see the top of this file).
const kStripeJsDouble = String.raw`
(function () {
  function Stripe(publishableKey) {
    if (!/^pk_(test|live)_/.test(String(publishableKey))) throw new Error('Stripe double: bad publishable key');
    window.__stripeDouble = { publishableKey: publishableKey, clientSecret: null, confirms: 0 };
    var mounted = null;
    return {
      _registerWrapper: function () {},
      elements: function (options) {
        window.__stripeDouble.clientSecret = options && options.clientSecret;
        return {
          create: function (type) {
            if (type !== 'payment') throw new Error('Stripe double: only the Payment Element');
            var handlers = {};
            return {
              on: function (name, fn) { handlers[name] = fn; },
              mount: function (target) {
                var host = typeof target === 'string' ? document.querySelector(target) : target;
                var box = document.createElement('div');
                box.className = 'stripe-double';
                box.innerHTML = '<label for="stripe-double-card" style="display:block;font-weight:600;margin-bottom:6px">Card number (Stripe test double)</label>' +
                  '<input id="stripe-double-card" class="input" inputmode="numeric" autocomplete="cc-number" value="4242 4242 4242 4242">';
                host.appendChild(box);
                mounted = box;
                setTimeout(function () { handlers.ready && handlers.ready({ elementType: 'payment' }); }, 30);
              },
              destroy: function () { if (mounted) mounted.remove(); mounted = null; },
            };
          },
          submit: function () { return Promise.resolve({}); },
        };
      },
      confirmPayment: function (options) {
        window.__stripeDouble.confirms++;
        var secret = window.__stripeDouble.clientSecret || '';
        var id = secret.split('_secret_')[0];
        var card = (document.getElementById('stripe-double-card') || { value: '' }).value.replace(/\s/g, '');
        return fetch('https://api.stripe.com/v1/payment_intents/' + encodeURIComponent(id) + '/confirm', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'client_secret=' + encodeURIComponent(secret) + '&card=' + encodeURIComponent(card) +
            '&return_url=' + encodeURIComponent(options.confirmParams.return_url),
        }).then(function (r) { return r.json(); }).then(function (j) {
          return j.error ? { error: j.error } : { paymentIntent: j };
        });
      },
    };
  }
  window.Stripe = Stripe;
})();
`;

/// Serves the Stripe.js double and the browser half of Stripe's API on `context`. A confirmed
/// intent is marked succeeded in `fakeApi` and its webhook is signed with `webhookSecret` and
/// sent to `admitUrl`. 4000000000000002 is declined, as with Stripe's test cards.
export async function routeStripeJs(context, { fakeApi, admitUrl, webhookSecret, log = [] }) {
  await context.route('https://js.stripe.com/**', (route) => {
    log.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'application/javascript', body: kStripeJsDouble });
  });
  await context.route('https://api.stripe.com/**', async (route) => {
    const req = route.request();
    log.push(`${req.method()} ${req.url()}`);
    const headers = { 'access-control-allow-origin': '*', 'content-type': 'application/json' };
    if (req.method() === 'OPTIONS') {
      return route.fulfill({ status: 204, headers: { ...headers, 'access-control-allow-headers': 'content-type' } });
    }
    const m = /\/v1\/payment_intents\/([^/]+)\/confirm$/.exec(new URL(req.url()).pathname);
    const form = Object.fromEntries(new URLSearchParams(req.postData() ?? ''));
    const intent = m && fakeApi.intents.get(decodeURIComponent(m[1]));
    if (!intent || form.client_secret !== intent.client_secret) {
      return route.fulfill({
        status: 400,
        headers,
        body: JSON.stringify({
          error: { type: 'invalid_request_error', message: 'No such payment_intent or wrong client secret' },
        }),
      });
    }
    if (form.card === '4000000000000002') {
      return route.fulfill({
        status: 402,
        headers,
        body: JSON.stringify({
          error: {
            type: 'card_error',
            code: 'card_declined',
            decline_code: 'generic_decline',
            message: 'Your card was declined.',
          },
        }),
      });
    }
    intent.status = 'succeeded';
    const event = {
      id: `evt_e2e${randomBytes(8).toString('hex')}`,
      object: 'event',
      api_version: '2020-08-27',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: 'payment_intent.succeeded',
      data: { object: { ...intent, client_secret: undefined } },
    };
    const payload = JSON.stringify(event);
    const delivered = await fetch(`${admitUrl}/api/payments/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signWebhook(payload, webhookSecret) },
      body: payload,
    });
    log.push(`webhook → ${delivered.status}`);
    return route.fulfill({ status: 200, headers, body: JSON.stringify({ ...intent }) });
  });
}
