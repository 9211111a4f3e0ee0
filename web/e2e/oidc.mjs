#!/usr/bin/env node
// External sign-in in Debian's Chromium: the sign-in page's "Sign in with …" button, the real
// redirects through a real OpenID provider (npm oidc-provider, from tests/node) and back, the
// one-time code traded on /auth/callback, and the page the person asked for; then a person who
// declines at the provider and is told so.
//
//   ADMIT_BIN=../build/release/src/admit node e2e/oidc.mjs
//
// Needs `npm ci --prefix tests/node` (oidc-provider) and a built web app (web/dist).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProvider } from '../../tests/api/support/oidc_provider.mjs';
import { assert, createRunner, launchChromium, removeTempDirs, startAdmit } from './lib.mjs';

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = resolve(webDir, process.env.ADMIT_BIN ?? '../build/release/src/admit');
const chromePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const dist = join(webDir, 'dist');
const shots = join(webDir, 'e2e', 'screenshots');
const T = Number(process.env.E2E_TIMEOUT_MS ?? 15_000);
for (const path of [bin, chromePath, join(dist, 'index.html')]) {
  if (!existsSync(path)) {
    console.error(`missing ${path} (ADMIT_BIN, CHROMIUM, npm run build)`);
    process.exit(2);
  }
}
mkdirSync(shots, { recursive: true });

const people = {
  ada: { email: 'ada@corp.example', email_verified: true, name: 'Ada Lovelace', groups: ['Organizers', 'Attendees'] },
};
const idp = await startProvider({ people, defaultLogin: 'ada' });
const server = await startAdmit({
  bin,
  webDir: dist,
  env: {
    ADMIT_OIDC_ISSUER: idp.issuer,
    ADMIT_OIDC_CLIENT_ID: idp.clientId,
    ADMIT_OIDC_CLIENT_SECRET: idp.clientSecret,
    ADMIT_OIDC_ROLE_MAP: 'Organizers=organizer,Attendees=attendee',
    ADMIT_OIDC_DISPLAY_NAME: 'Example Corp',
  },
});
idp.setRedirectUri(`${server.url}/api/auth/oidc/callback`);
const context = await launchChromium({ executablePath: chromePath });
const { step, results } = createRunner();

try {
  await step('signs in through the provider and lands on the page asked for', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/login?next=${encodeURIComponent('/tickets')}`);
    const button = page.getByRole('link', { name: 'Sign in with Example Corp' });
    await button.waitFor({ timeout: T });
    await page.screenshot({ path: join(shots, 'oidc-1-login.png') });
    await button.click();
    await page.waitForURL(`${server.url}/tickets`, { timeout: T });
    const session = JSON.parse((await page.evaluate(() => localStorage.getItem('admit.session'))) ?? 'null');
    assert(session?.user?.email === 'ada@corp.example', `signed in as Ada, not ${JSON.stringify(session?.user)}`);
    assert(
      JSON.stringify(session.user.roles) === JSON.stringify(['attendee', 'organizer']),
      `roles from the groups: ${session.user.roles}`,
    );
    assert(!page.url().includes('code='), 'the one-time code is gone from the address bar');
    await page.screenshot({ path: join(shots, 'oidc-2-signed-in.png') });
    await page.close();
  });

  await step('a person who declines at the provider is told so on the callback page', async () => {
    idp.setDefaultLogin('deny');
    await context.clearCookies(); // no session at the provider (nor here): it asks again
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.getByRole('link', { name: 'Sign in with Example Corp' }).click();
    await page.getByText('The sign-in was cancelled', { exact: false }).waitFor({ timeout: T });
    assert(new URL(page.url()).pathname === '/auth/callback', `on the callback page, not ${page.url()}`);
    await page.screenshot({ path: join(shots, 'oidc-3-declined.png') });
    await page.close();
  });
} finally {
  await context.close();
  await server.stop();
  await idp.stop();
  removeTempDirs();
}

console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed ? 1 : 0);
