// The customer portal as a customer meets it: the contact form, the sign-in link in the
// confirmation mail, the list of their requests, a conversation and a reply, all in Chromium.
// A second customer, in a browser context of their own, must not see the first one's request.
//
// The tests run in order and build on each other (one customer's journey); a later test
// fails with a clear message when the step before it did not get through.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  assertAccessible, assertNoHorizontalScroll, mainText, newContext, Stack, uniq,
} from './harness.mjs';

let stack;
let browser;

before(async () => {
  stack = await Stack.start();
  browser = await stack.browser();
}, { timeout: 40_000 });

after(async () => {
  if (stack) await stack.stop();
}, { timeout: 30_000 });

// User-written text with markup in it: the pages must show it as text.
const MARKUP = '<b>bold</b>';
const first = {
  name: 'Ann Customer',
  email: `${uniq('ann')}@customer.test`,
  subject: `Invoice ${MARKUP} is wrong ${uniq('s')}`,
  message: `My invoice shows ${MARKUP} twice.\nPlease fix it.`,
  reply: `Here is the invoice number: ${uniq('inv')} ${MARKUP}`,
};
const second = {
  name: 'Bob Other',
  email: `${uniq('bob')}@customer.test`,
  subject: `Password reset ${uniq('s')}`,
  message: 'I cannot reset my password.',
};
const third = {
  name: 'Cy Mobile',
  email: `${uniq('cy')}@customer.test`,
  subject: 'Invoice link https://shop.example.com/account/orders/2026/invoice-INV-000123456789.pdf fails',
  message: 'When I open https://shop.example.com/account/orders/2026/invoice-INV-000123456789.pdf?download=1&session=3f9a0c5e7b2d4e6f8a1c I get an error.',
};
const state = {}; // what the steps found out: ticket ids, browser contexts

/** True when the steps before left what this one needs; otherwise skips it, saying why. */
function ready(t, ...keys) {
  const missing = keys.filter((k) => state[k] === undefined);
  if (missing.length) t.skip(`needs ${missing.join(', ')} from an earlier step, which failed`);
  return missing.length === 0;
}

function guarded(fn) {
  return (t) => stack.guard(fn)(t);
}

/** Fills in and sends the contact form like a person; returns the new ticket's id. */
async function submitContactForm(page, who, { checkA11y = false } = {}) {
  const res = await page.goto(`${stack.baseUrl}/support`);
  assert.equal(res.status(), 200, `GET /support: HTTP ${res.status()}`);
  await page.getByRole('heading', { level: 1, name: 'Contact support' }).waitFor();
  if (checkA11y) await assertAccessible(page, 'the contact form /support');

  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('Your email (required)').fill(who.email);
  await page.getByLabel('Subject (required)').fill(who.subject);
  await page.getByLabel('Message (required)').fill(who.message);
  // The honeypot is for bots: hidden from people and assistive technology, and left empty.
  assert.equal(await page.getByRole('textbox', { name: 'Leave this empty' }).count(), 0,
    'the honeypot field is not exposed to assistive technology');
  assert.equal(await page.locator('#website').inputValue(), '', 'the honeypot stays empty');

  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/support'),
    page.getByRole('button', { name: 'Send', exact: true }).click(),
  ]);
  assert.equal(answer.status(), 201, `POST /support: HTTP ${answer.status()}: ${(await answer.text()).slice(0, 400)}`);
  const heading = page.getByRole('heading', { level: 1, name: /^Thank you – request #\d+$/ });
  await heading.waitFor({ state: 'visible' });
  const id = Number(/#(\d+)/.exec(await heading.innerText())[1]);
  const text = await mainText(page);
  assert.ok(text.includes(`sent a confirmation to ${who.email}`), `the thank-you page names the address: ${text}`);
  return id;
}

/** The sign-in link from the confirmation mail of ticket `id` to `email`. */
async function signInLinkFromMail(email, id) {
  const mail = await stack.mailbox.waitFor(
    (m) => m.to.includes(email) && m.subject.includes(`[#${id}]`),
    { timeout: 15_000, what: `the confirmation mail of request #${id} to ${email}` });
  const links = mail.links().filter((u) => /\/my\/sign-in\/[A-Za-z0-9_-]+$/.test(u));
  assert.ok(links.length >= 1, `the confirmation mail carries a sign-in link:\n${mail.text}`);
  assert.equal(new Set(links).size, 1, `one sign-in link per mail: ${links}`);
  assert.ok(links[0].startsWith(stack.baseUrl + '/my/sign-in/'), `sign-in link ${links[0]} points at the server`);
  return links[0];
}

/** Opens the sign-in link, clicks "Open my requests"; ends on the list of requests. */
async function signIn(page, link, email, { checkA11y = false } = {}) {
  const res = await page.goto(link);
  assert.equal(res.status(), 200, `GET sign-in link: HTTP ${res.status()}`);
  await page.getByRole('heading', { level: 1, name: 'Open your requests' }).waitFor();
  assert.ok((await mainText(page)).includes(`Signing in as ${email}.`));
  if (checkA11y) await assertAccessible(page, 'the sign-in page /my/sign-in/{token}');
  await Promise.all([
    page.waitForURL(`${stack.baseUrl}/my`),
    page.getByRole('button', { name: 'Open my requests' }).click(),
  ]);
  await page.getByRole('heading', { level: 1, name: 'Your requests' }).waitFor();
  assert.ok((await mainText(page)).includes(`Signed in as ${email}.`),
    `the list says who is signed in: ${await mainText(page)}`);
}

test('the contact form is accessible and sends a request (honeypot left empty)',
  { timeout: 30_000 }, guarded(async () => {
    state.ctxA = await newContext(browser);
    const page = await state.ctxA.newPage();
    state.pageA = page;
    state.ticketA = await submitContactForm(page, first, { checkA11y: true });
    await assertAccessible(page, 'the contact form\'s thank-you page');

    const t = await stack.api.ticket(state.ticketA);
    assert.equal(t.subject, first.subject, 'the ticket keeps the subject as typed');
    assert.equal(t.customer.email, first.email);
    assert.equal(t.channel, 'web');
  }));

test('the confirmation mail\'s link signs in; the list shows the request with its text escaped',
  { timeout: 30_000 }, guarded(async (t) => {
    if (!ready(t, 'ticketA', 'pageA')) return;
    const id = state.ticketA;
    const page = state.pageA;
    const link = await signInLinkFromMail(first.email, id);
    await signIn(page, link, first.email, { checkA11y: true });
    await assertAccessible(page, 'the list of requests /my');

    const entry = page.getByRole('link', { name: `#${id} ${first.subject}`, exact: true });
    assert.equal(await entry.count(), 1, `the list links to "#${id} ${first.subject}": ${await mainText(page)}`);
    assert.ok((await entry.innerText()).includes(MARKUP), 'the subject shows "<b>" as typed');
    assert.equal(await page.locator('main b').count(), 0, 'user text is not turned into markup');
    state.signedInA = true;
  }));

test('the conversation is accessible; a reply written there appears in it and on the ticket',
  { timeout: 30_000 }, guarded(async (t) => {
    if (!ready(t, 'ticketA', 'signedInA')) return;
    const id = state.ticketA;
    const page = state.pageA;
    await Promise.all([
      page.waitForURL(`${stack.baseUrl}/my/tickets/${id}`),
      page.getByRole('link', { name: `#${id} ${first.subject}`, exact: true }).click(),
    ]);
    await page.getByRole('heading', { level: 1, name: `#${id} ${first.subject}`, exact: true }).waitFor();
    // The first message, as typed (line break kept, markup shown as text).
    const firstMessage = page.locator('.msg').first();
    assert.ok((await firstMessage.innerText()).includes(first.message),
      `the conversation shows the message as typed: ${await firstMessage.innerText()}`);
    assert.equal(await page.locator('main b').count(), 0, 'user text is not turned into markup');
    await assertAccessible(page, `the conversation /my/tickets/${id}`);

    await page.getByLabel('Your reply').fill(first.reply);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/my/tickets/${id}/messages`)),
      page.getByRole('button', { name: 'Send reply' }).click(),
    ]);
    assert.equal(answer.status(), 303, `POST reply: HTTP ${answer.status()} (want a redirect back to the conversation)`);
    await page.waitForURL(`${stack.baseUrl}/my/tickets/${id}`);
    const replyShown = page.locator('.msg', { hasText: first.reply });
    await replyShown.waitFor({ state: 'visible' });
    assert.match(await replyShown.locator('.meta').innerText(), /^You · /, 'the reply is shown as the customer\'s');
    assert.equal(await page.locator('.msg').count(), 2, 'the conversation has the request and the reply');
    assert.equal(await page.locator('main b').count(), 0, 'the reply\'s markup is shown as text');

    const messages = await stack.api.messages(id);
    const mine = messages.filter((m) => m.author.kind === 'customer' && m.body === first.reply);
    assert.equal(mine.length, 1,
      `the API shows the reply as a customer message: ${JSON.stringify(messages.map((m) => [m.author.kind, m.body]))}`);
  }));

test('another customer, signed in elsewhere, gets "not found" for the first customer\'s request',
  { timeout: 30_000 }, guarded(async (t) => {
    if (!ready(t, 'ticketA')) return;
    const idA = state.ticketA;
    const ctxB = await newContext(browser);
    try {
      const page = await ctxB.newPage();
      const idB = await submitContactForm(page, second);
      assert.notEqual(idB, idA);
      await signIn(page, await signInLinkFromMail(second.email, idB), second.email);

      // Their list: their request only.
      const csrfB = await page.locator('input[name="csrf"]').first().inputValue();
      const text = await mainText(page);
      assert.ok(text.includes(`#${idB} ${second.subject}`), `the second customer sees their request: ${text}`);
      assert.ok(!text.includes(first.subject) && !text.includes(`#${idA} `),
        `the second customer's list must not show the first customer's request: ${text}`);

      // The first customer's address, typed in by hand.
      const res = await page.goto(`${stack.baseUrl}/my/tickets/${idA}`);
      assert.equal(res.status(), 404, `another customer's request: HTTP ${res.status()} (want 404)`);
      const shown = await mainText(page);
      assert.match(shown, /We could not find this request among yours\./, `the page says "not found": ${shown}`);
      assert.ok(!shown.includes(first.subject) && !shown.includes('invoice'),
        `nothing of the first customer's request leaks: ${shown}`);
      await assertAccessible(page, 'the "not found" page of the portal');

      // Replying to it with the second customer's own session and form token is refused
      // the same way ("not found"), and changes nothing.
      const before = await stack.api.messages(idA);
      const forged = await page.request.post(`${stack.baseUrl}/my/tickets/${idA}/messages`, {
        form: { body: 'not mine', csrf: csrfB }, maxRedirects: 0,
      });
      assert.equal(forged.status(), 404, `another customer's reply form: HTTP ${forged.status()} (want 404)`);
      assert.deepEqual(await stack.api.messages(idA), before, 'the forged reply changed nothing');
    } finally {
      await ctxB.close();
    }
  }));

test('after the other customer: the first customer still sees their request', { timeout: 20_000 },
  guarded(async (t) => {
    if (!ready(t, 'ticketA', 'signedInA')) return;
    const id = state.ticketA;
    const res = await state.pageA.goto(`${stack.baseUrl}/my/tickets/${id}`);
    assert.equal(res.status(), 200, `own request: HTTP ${res.status()}`);
    assert.ok((await mainText(state.pageA)).includes(first.reply));
    await state.ctxA.close();
  }));

// A customer on a phone (375 CSS px) who pastes a link, as customers do, must be able to read
// every page without scrolling sideways (WCAG 2.2 SC 1.4.10 Reflow).
test('on a 375px-wide phone, no portal page scrolls sideways, even with a pasted link',
  { timeout: 30_000 }, guarded(async (t) => {
    const ctx = await newContext(browser, { viewport: { width: 375, height: 812 } });
    const problems = [];
    const check = async (page, label) => {
      const shot = path.join(stack.shots, `portal-375px-${label.replace(/[^a-z0-9]+/gi, '-')}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      try {
        await assertNoHorizontalScroll(page, label, shot);
      } catch (e) {
        problems.push(e.message);
      }
    };
    try {
      const page = await ctx.newPage();
      const id = await submitContactForm(page, third);
      await check(page, 'the contact form\'s thank-you page');
      await page.goto(`${stack.baseUrl}/support`);
      await check(page, 'the contact form /support');
      await signIn(page, await signInLinkFromMail(third.email, id), third.email);
      await check(page, 'the list of requests /my');
      await page.goto(`${stack.baseUrl}/my/tickets/${id}`);
      await page.getByRole('heading', { level: 1, name: `#${id} ${third.subject}`, exact: true }).waitFor();
      await check(page, `the conversation /my/tickets/${id}`);
      t.diagnostic(`screenshots at 375px in ${stack.shots}`);
      if (problems.length) assert.fail(problems.join('\n'));
    } finally {
      await ctx.close();
    }
  }));
