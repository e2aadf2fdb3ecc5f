// The agents' workspace (web/) in Debian's Chromium against the real binary: log in, work a
// queue with the keyboard, answer a ticket (with a canned response when the server has them),
// resolve it, the customer answers the survey from the mail; undo a send; a draft survives a
// reload; a stale edit is explained and resolved; a second agent sees changes live; every
// screen passes axe-core (no serious or critical violation) at 1280×800 and phone width.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Api, assertNoHorizontalScroll, assertNoSeriousA11y, newContext, PASSWORD, signedInApp, startAppStack, uniq, waitFor } from './harness.mjs';

const AGENT = { email: 'aga@x.test', name: 'Aga Agent' };
const AGENT2 = { email: 'bo@x.test', name: 'Bo Agent' };

let stack;
let browser;
let appUrl; // http://127.0.0.1:PORT/app
let agentApi;
const made = {};

before(async () => {
  ({ stack, browser, appUrl } = await startAppStack());
  const team = await stack.api.post('/api/v1/teams', { name: uniq('Team ') }, 201);
  for (const a of [AGENT, AGENT2]) {
    await stack.api.post('/api/v1/users', { ...a, role: 'agent', password: PASSWORD, team_id: team.id }, 201);
  }
  agentApi = new Api(stack.baseUrl);
  await agentApi.login(AGENT.email, PASSWORD);
  const me = agentApi.user;
  made.tickets = [];
  for (const [i, subject] of ['Printer prints blank pages', 'Invoice shows old address', 'Cannot reset password'].entries()) {
    made.tickets.push(await stack.api.post('/api/v1/tickets', {
      subject, body: `Customer message ${i}: please help.`, customer: { email: `cust${i}@customer.test`, name: `Cus ${i}` }, assignee_id: me.id, team_id: team.id,
    }, 201));
  }
  // A canned response, when the server has them (docs/API.md, "Canned responses").
  const c = await stack.api.request('POST', '/api/v1/canned-responses', { title: 'Toner', body: 'Please replace the toner cartridge; that fixes blank pages.', status: null, priority: null, add_tags: ['toner'] });
  made.canned = c.status === 201 ? c.json : null;
}, { timeout: 60_000 });

after(async () => {
  if (stack) await stack.stop();
}, { timeout: 30_000 });

const loggedInPage = (who = AGENT, viewport = { width: 1280, height: 800 }) =>
  signedInApp(browser, appUrl, who, { viewport });

test('login: a wrong password is refused, the right one opens the queue; logout', { timeout: 60_000 }, stack0(async () => {
  const context = await newContext(browser, { viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${appUrl}/tickets/1`); // a deep link shows the login first
  await page.getByRole('heading', { level: 1, name: 'Helpdesk' }).waitFor();
  await assertNoSeriousA11y(page, 'the login page');
  await page.getByLabel('Email').fill(AGENT.email);
  await page.getByLabel('Password').fill('wrong-password!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: /password|credentials/i }).waitFor();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(AGENT.name).first().waitFor();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  // The session is gone on the server too.
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  assert.equal(me, 401);
  await context.close();
}));

test('an agent works the queue with the keyboard, answers and resolves a ticket; the customer answers the survey', { timeout: 90_000 }, stack0(async () => {
  const { context, page } = await loggedInPage();
  const rows = page.locator('.list [role="listitem"]');
  await waitFor(async () => (await rows.count()) === 3, { what: 'the three tickets in Mine, open' });
  // The side bar counts the view.
  await page.getByRole('link', { name: /Mine, open\s*3/ }).waitFor();
  await assertNoSeriousA11y(page, 'the queue');

  // j moves down, k up, x selects, Enter opens.
  await page.locator('body').press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  const cursorRow = page.locator('.row--cursor');
  const cursorId = Number(await cursorRow.getAttribute('data-id'));
  assert.equal(cursorId, made.tickets[1].id, 'newest first: j j k puts the cursor on the second ticket');
  await page.keyboard.press('x');
  await page.getByText('1 selected').waitFor();
  await page.keyboard.press('x');
  await page.getByText('1 selected').waitFor({ state: 'detached' });
  await page.keyboard.press('j'); // the oldest: "Printer prints blank pages"
  await page.keyboard.press('Enter');
  const t = made.tickets[0];
  await page.waitForURL(`${appUrl}/tickets/${t.id}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(t.subject) }).waitFor();
  await page.getByRole('listitem', { name: 'Customer from Cus 0' }).waitFor();
  await assertNoSeriousA11y(page, 'the ticket');

  // r opens the reply composer; a canned response fills it in (when the server has them).
  await page.keyboard.press('r');
  const box = page.getByLabel('Reply to the customer');
  await waitFor(async () => box.evaluate((el) => el === document.activeElement), { what: 'r to focus the reply box' });
  let expected = 'Please replace the toner cartridge.';
  if (made.canned) {
    await page.getByLabel('Insert a canned response').selectOption(String(made.canned.id));
    expected = made.canned.body;
    assert.equal(await box.inputValue(), expected);
  } else {
    await box.fill(expected);
  }
  await box.press('Control+Enter');
  await page.getByRole('button', { name: 'Undo' }).first().waitFor();
  await page.getByText('Reply sent.').waitFor({ timeout: 15_000 });
  const msgs = await stack.api.messages(t.id);
  assert.ok(msgs.some((m) => m.body === expected && !m.internal && m.author.kind === 'agent'), 'the reply reached the server');
  await page.getByRole('listitem', { name: `Public reply from ${AGENT.name}` }).waitFor();
  if (made.canned) {
    await waitFor(async () => (await stack.api.ticket(t.id)).tags.includes('toner'), { what: 'the canned response to add its tag' });
  }

  // e resolves.
  await page.locator('h1').first().click();
  await page.keyboard.press('e');
  await waitFor(async () => (await stack.api.ticket(t.id)).status === 'resolved', { what: `#${t.id} resolved` });
  await page.locator('.ticket__meta').getByText('Resolved').waitFor();
  // Only the allowed move is offered now.
  await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Reopen' }).waitFor();
  assert.equal(await page.getByRole('group', { name: 'Status' }).getByRole('button').count(), 1);
  await context.close();

  // The customer answers the survey from the mail.
  const mail = await stack.mailbox.waitFor((m) => m.to.includes('cust0@customer.test') && m.links().some((u) => /\/survey\/[^/]+\?score=5$/.test(u)),
    { timeout: 30_000, what: 'the survey mail' });
  const link = mail.links().find((u) => /\?score=5$/.test(u));
  const cctx = await newContext(browser);
  const cpage = await cctx.newPage();
  await cpage.goto(link);
  await cpage.getByRole('radio', { name: 'Yes', exact: true }).check();
  await cpage.getByRole('button', { name: 'Send my answer' }).click();
  await cpage.getByRole('heading', { level: 1, name: 'Thank you!', exact: true }).waitFor();
  await cctx.close();
  await waitFor(async () => (await stack.api.ticket(t.id)).status === 'closed', { what: 'the satisfied answer to close the ticket' });
}));

test('sending can be undone; a draft survives a reload', { timeout: 60_000 }, stack0(async () => {
  const { context, page } = await loggedInPage();
  const t = made.tickets[1];
  await page.goto(`${appUrl}/tickets/${t.id}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(t.subject) }).waitFor();
  const before = (await stack.api.messages(t.id)).length;

  await page.keyboard.press('r');
  const box = page.getByLabel('Reply to the customer');
  await box.fill('This reply must not go out.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
  await waitFor(async () => (await box.inputValue()) === 'This reply must not go out.', { what: 'undo to put the text back' });
  await page.waitForTimeout(6500); // past the undo window
  assert.equal((await stack.api.messages(t.id)).length, before, 'nothing was sent');

  // A note typed, then the page reloaded: the note is still there.
  await page.locator('h1').click(); // focus out of the composer (Escape with nothing focused goes back to the list)
  await page.keyboard.press('n');
  const note = page.getByLabel('Internal note (agents only)');
  await note.fill('Customer called; check the address history.');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: new RegExp(t.subject) }).waitFor();
  await page.getByRole('button', { name: /Internal note/ }).click();
  assert.equal(await page.getByLabel('Internal note (agents only)').inputValue(), 'Customer called; check the address history.');
  assert.equal(await page.getByLabel('Reply to the customer').count(), 0);
  await page.getByRole('button', { name: /Public reply/ }).click();
  assert.equal(await page.getByLabel('Reply to the customer').inputValue(), 'This reply must not go out.', 'the reply draft survived too');
  await context.close();
}));

test('a stale edit (412) is explained and resolved; a second agent sees changes live', { timeout: 60_000 }, stack0(async () => {
  const t = made.tickets[2];
  const a = await loggedInPage();
  await a.page.goto(`${appUrl}/tickets/${t.id}`);
  await a.page.getByRole('heading', { level: 1, name: new RegExp(t.subject) }).waitFor();
  const b = await loggedInPage(AGENT2);
  await b.page.goto(`${appUrl}/tickets/${t.id}`);
  await b.page.getByRole('heading', { level: 1, name: new RegExp(t.subject) }).waitFor();

  // A picks another priority; someone else raises it while A's change is on its way, so A's
  // PATCH carries the version the admin's change has just made stale. (A change made any
  // earlier reaches A's page live first, and A would then rightly edit the newer version.)
  let raced = false;
  await a.page.route(`**/api/v1/tickets/${t.id}`, async (route) => {
    if (raced || route.request().method() !== 'PATCH') return route.fallback();
    raced = true;
    await patchAsAdmin(t.id, { priority: 'urgent' });
    await route.continue();
  });
  const refused = a.page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/v1/tickets/${t.id}`));
  await a.page.getByLabel('Priority').selectOption('high');
  assert.equal((await refused).status(), 412, "A's edit against the old version is refused");
  const notice = a.page.getByRole('alert').filter({ hasText: 'Someone changed this ticket' });
  await notice.waitFor();
  assert.match(await notice.innerText(), /now Urgent; you chose High/);
  await assertNoSeriousA11y(a.page, 'the ticket with a stale-edit notice');
  await notice.getByRole('button', { name: 'Use my choice' }).click();
  await waitFor(async () => (await stack.api.ticket(t.id)).priority === 'high', { what: 'my choice to be saved' });

  // B sees it without reloading, and a new customer message too.
  await b.page.locator('.ticket__meta').getByText('High').waitFor({ timeout: 20_000 });
  await stack.api.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Any news on this?', author: 'customer' }, 201);
  await b.page.getByText('Any news on this?').waitFor({ timeout: 20_000 });

  // B writes a reply; the customer writes again before B sends: B is told and decides.
  await b.page.locator('h1').click();
  await b.page.keyboard.press('r');
  await b.page.getByLabel('Reply to the customer').fill('We are looking into it.');
  await stack.api.post(`/api/v1/tickets/${t.id}/messages`, { body: 'Hello? Still waiting.', author: 'customer' }, 201);
  await b.page.getByRole('button', { name: 'Send reply' }).click();
  const warn = b.page.getByRole('alert').filter({ hasText: 'from the customer arrived while you were writing' });
  await warn.waitFor();
  await b.page.getByText('Hello? Still waiting.').waitFor();
  assert.equal(await b.page.getByLabel('Reply to the customer').inputValue(), 'We are looking into it.', 'the reply is kept');
  assert.ok(!(await stack.api.messages(t.id)).some((m) => m.body === 'We are looking into it.'), 'nothing sent before the agent decides');
  await warn.getByRole('button', { name: 'Send it anyway' }).click();
  await waitFor(async () => (await stack.api.messages(t.id)).some((m) => m.body === 'We are looking into it.'),
    { timeout: 15_000, what: 'the reply sent after the warning' });
  await a.context.close();
  await b.context.close();
}));

test('bulk actions, search, the keymap and the admin screens; phone width', { timeout: 90_000 }, stack0(async () => {
  const { context, page } = await loggedInPage();
  // Bulk: select two open tickets with x and set their priority.
  await page.goto(`${appUrl}/views/open`);
  await page.getByRole('heading', { level: 1, name: 'All open' }).waitFor();
  const rows = page.locator('.list [role="listitem"]');
  await waitFor(async () => (await rows.count()) >= 2, { what: 'open tickets' });
  await page.locator('body').press('x');
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await page.getByText('2 selected').waitFor();
  const ids = await page.locator('.row--selected').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))));
  await page.getByRole('region', { name: 'Bulk actions' }).getByLabel('Priority').selectOption('low');
  await waitFor(async () => {
    const ts = await Promise.all(ids.map((id) => stack.api.ticket(id)));
    return ts.every((x) => x.priority === 'low');
  }, { what: 'bulk priority on both tickets' });

  // / focuses the search; a search lists the matching ticket.
  await page.locator('h1').click();
  await page.keyboard.press('/');
  await page.keyboard.type('Invoice');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: /Search: “Invoice”/ }).waitFor();
  await waitFor(async () => (await rows.count()) === 1, { what: 'one search hit' });
  // The search is kept as a personal view in the side bar.
  await page.getByRole('button', { name: 'Save view' }).click();
  const save = page.getByRole('dialog', { name: 'Save this view' });
  await save.getByLabel('Name').fill('Invoices');
  await save.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Invoices' }).click();
  await page.waitForURL(/\/views\/custom\?/);
  await waitFor(async () => (await rows.count()) === 1 && /Invoice/.test(await rows.first().innerText()), { what: 'the saved view lists the hit' });

  // ? shows the keymap.
  await page.locator('h1').click();
  await page.keyboard.press('Shift+Slash');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  await assertNoSeriousA11y(page, 'the keymap');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await context.close();

  // Admin screens (as the admin).
  const admin = await newContext(browser, { viewport: { width: 1280, height: 800 } });
  const ap = await admin.newPage();
  await ap.goto(`${appUrl}/`);
  await ap.getByLabel('Email').fill('admin@x.test');
  await ap.getByLabel('Password').fill(PASSWORD);
  await ap.getByRole('button', { name: 'Sign in' }).click();
  await ap.getByRole('heading', { level: 1, name: 'Mine, open' }).waitFor();
  for (const [p, h] of [['users', 'Users'], ['teams', 'Teams'], ['tokens', 'API tokens'], ['jobs', 'Background jobs'], ['canned', 'Canned responses']]) {
    await ap.goto(`${appUrl}/admin/${p}`);
    await ap.getByRole('heading', { level: 1, name: h }).waitFor();
    await assertNoSeriousA11y(ap, `admin: ${h}`);
  }
  // An API token is shown once.
  await ap.goto(`${appUrl}/admin/tokens`);
  await ap.getByLabel('Token name').fill('CI robot');
  await ap.getByRole('button', { name: 'Create token' }).click();
  const secret = (await ap.locator('.secret').innerText()).trim();
  const r = await fetch(`${stack.baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(r.status, 200, 'the shown token works');
  await admin.close();

  // Phone width: no sideways scrolling on the queue and the ticket; the menu opens the views.
  const phone = await loggedInPage(AGENT, { width: 390, height: 844 });
  await assertNoHorizontalScroll(phone.page, 'the queue at phone width');
  await assertNoSeriousA11y(phone.page, 'the queue at phone width');
  await phone.page.getByRole('button', { name: 'Menu' }).click();
  await phone.page.getByRole('link', { name: /Pending/ }).click();
  await phone.page.getByRole('heading', { level: 1, name: 'Pending' }).waitFor();
  await phone.page.goto(`${appUrl}/tickets/${made.tickets[2].id}`);
  await phone.page.getByRole('heading', { level: 1, name: new RegExp(made.tickets[2].subject) }).waitFor();
  await assertNoHorizontalScroll(phone.page, 'the ticket at phone width');
  await assertNoSeriousA11y(phone.page, 'the ticket at phone width');
  await phone.context.close();
}));

test('a ticket from a mail shows who is copied and the mail as received', { timeout: 60_000 }, stack0(async () => {
  const token = (await stack.api.post('/api/v1/tokens', { name: uniq('mail relay '), role: 'agent' }, 201)).token;
  const raw = [
    'From: Mia Mailer <mia@customer.test>', 'To: help@x.test', 'Cc: Boss <boss@customer.test>',
    'Subject: Order 77 never arrived', `Message-ID: <${uniq('m')}@customer.test>`, 'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8', '', 'Where is my parcel?', '',
  ].join('\r\n');
  const r = await fetch(`${stack.baseUrl}/api/v1/mail/inbound`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'message/rfc822' }, body: raw,
  });
  const outcome = await r.json();
  assert.equal(outcome.outcome, 'ticket', JSON.stringify(outcome));

  const { context, page } = await loggedInPage();
  await page.goto(`${appUrl}/tickets/${outcome.ticket_id}`);
  await page.getByRole('heading', { level: 1, name: /Order 77 never arrived/ }).waitFor();
  const mail = page.locator('section', { has: page.getByRole('heading', { level: 2, name: 'Mail' }) });
  await mail.waitFor();
  assert.match(await mail.innerText(), /Boss <boss@customer\.test>/);
  const original = mail.getByRole('link', { name: /^Original/ });
  const download = await context.request.get(new URL(await original.getAttribute('href'), appUrl).href);
  assert.equal(download.status(), 200);
  assert.match(download.headers()['content-type'], /^message\/rfc822/);
  assert.equal(await download.text(), raw, 'the original, byte for byte');
  await assertNoSeriousA11y(page, 'a ticket from a mail');
  await context.close();
}));

/** PATCH as the admin against the ticket's current version. */
async function patchAsAdmin(id, body) {
  const cur = await stack.api.ticket(id);
  const r = await fetch(`${stack.baseUrl}/api/v1/tickets/${id}`, {
    method: 'PATCH',
    headers: {
      'Content-Type': 'application/json', 'If-Match': `"${cur.version}"`, 'X-CSRF-Token': stack.api.csrf,
      Cookie: [...stack.api.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 200, await r.text());
}

/** The stack's guard (server log on failure) around a test body. */
function stack0(fn) {
  return async (t) => stack.guard(fn)(t);
}
