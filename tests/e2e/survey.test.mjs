// The satisfaction survey as a customer meets it: a rating link in a real mail, opened in
// Chromium, answered by clicking. The ticket's fate is checked over the staff API.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  assertAccessible, assertNoHorizontalScroll, mainText, newContext, Stack, uniq, waitFor,
} from './harness.mjs';

let stack;
let browser;
const state = {}; // handed from one test to the next: the opt-out link of a survey mail

before(async () => {
  stack = await Stack.start();
  browser = await stack.browser();
}, { timeout: 40_000 });

after(async () => {
  if (stack) await stack.stop();
}, { timeout: 30_000 });

/**
 * A ticket from a new customer, answered by the admin and resolved; returns the ticket (as
 * created), the customer's address and the survey mail's links once the survey counts as sent.
 */
async function resolvedTicketWithSurvey(subject, email = `${uniq('c')}@customer.test`) {
  const ticket = await stack.createTicket({
    subject, body: 'The printer prints only blank pages.', email, name: 'Cus Tomer',
  });
  await stack.reply(ticket.id, 'Please replace the toner cartridge.');
  await stack.setStatus(ticket.id, 'resolved');

  const surveyLink = /\/survey\/([A-Za-z0-9_-]+)\?score=([1-5])$/;
  const mail = await stack.mailbox.waitFor(
    (m) => m.to.includes(email) && m.links().some((u) => surveyLink.test(u)),
    { timeout: 20_000, what: `the survey mail to ${email}` });
  assert.ok(mail.subject.includes(`[#${ticket.id}]`), `survey mail subject ${mail.subject}`);
  const ratings = {};
  const tokens = new Set();
  for (const url of mail.links()) {
    const m = surveyLink.exec(url);
    if (!m) continue;
    tokens.add(m[1]);
    ratings[m[2]] = url;
  }
  assert.equal(tokens.size, 1, `one survey token per mail, got ${[...tokens]}`);
  assert.deepEqual(Object.keys(ratings).sort(), ['1', '2', '3', '4', '5'],
    `the mail offers a link for each score 1..5:\n${mail.text}`);
  for (const url of Object.values(ratings)) {
    assert.ok(url.startsWith(stack.baseUrl + '/'), `mail link ${url} should point at ${stack.baseUrl}`);
  }
  const token = [...tokens][0];
  const optOut = mail.links().find((u) => u === `${stack.baseUrl}/survey/${token}/opt-out`);
  assert.ok(optOut, `the survey mail has an opt-out link:\n${mail.text}`);
  // The mail goes out first; then the survey and the ticket move on to sent / follow_up.
  await waitFor(async () => (await stack.survey(token)).state === 'sent',
    { timeout: 5_000, what: 'the survey to be recorded as sent' });
  await waitFor(async () => (await stack.api.ticket(ticket.id)).status === 'follow_up',
    { timeout: 5_000, what: `ticket #${ticket.id} to be in follow_up` });
  return { ticket, email, token, ratings, optOut };
}

/** Asserts which CSAT radio is checked (by its visible label); `score` null: none. */
async function assertCsatChecked(page, score) {
  const labels = ['Very dissatisfied', 'Dissatisfied', 'Neither satisfied nor dissatisfied',
    'Satisfied', 'Very satisfied'];
  for (let i = 1; i <= 5; i++) {
    const radio = page.getByRole('radio', { name: `${i} – ${labels[i - 1]}`, exact: true });
    assert.equal(await radio.count(), 1, `one radio labelled "${i} – ${labels[i - 1]}"`);
    assert.equal(await radio.isChecked(), i === score,
      `CSAT ${i} should ${i === score ? '' : 'not '}be checked`);
  }
}

/** Nothing was recorded: the survey is unanswered and the ticket still waits in follow_up. */
async function assertNothingRecorded(ticketId, token) {
  const survey = await stack.survey(token);
  assert.equal(survey.state, 'sent', 'opening the page must not answer the survey');
  assert.equal(survey.answer, undefined, 'opening the page must not record an answer');
  const t = await stack.api.ticket(ticketId);
  assert.equal(t.status, 'follow_up', 'opening the page must not change the ticket');
}

test('rating link 4 + "Yes": preselected, accessible, fits a phone, closes the ticket',
  { timeout: 45_000 }, stack_guard(async (t) => {
    const subject = `Blank pages ${uniq('s')}`;
    const { ticket, token, ratings } = await resolvedTicketWithSurvey(subject);

    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const res = await page.goto(ratings['4']);
      assert.equal(res.status(), 200, `GET survey page: HTTP ${res.status()}`);

      // What the customer sees: the question, their request, and 4 already chosen.
      const heading = page.getByRole('heading', { level: 1, name: 'How did we do?' });
      assert.ok(await heading.isVisible(), 'the heading "How did we do?" is visible');
      const text = await mainText(page);
      assert.ok(text.includes(`About your request #${ticket.id}: ${subject}`),
        `the page names the request: ${text}`);
      await assertCsatChecked(page, 4);
      for (const name of ['Yes', 'No, I still need help']) {
        assert.equal(await page.getByRole('radio', { name, exact: true }).isChecked(), false,
          `"${name}" is not preselected`);
      }
      await assertNothingRecorded(ticket.id, token);

      await assertAccessible(page, 'the survey page (desktop)');

      // A phone: 375 CSS pixels wide, no sideways scrolling.
      await page.setViewportSize({ width: 375, height: 812 });
      const shot = path.join(stack.shots, `survey-375px-ticket-${ticket.id}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot at 375px: ${shot}`);
      await assertNoHorizontalScroll(page, 'the survey page', shot);
      await assertAccessible(page, 'the survey page (375px wide)');
      await assertNothingRecorded(ticket.id, token);

      // Answer like a person: choose "Yes", click the button.
      await page.getByRole('radio', { name: 'Yes', exact: true }).check();
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(`/survey/${token}`)),
        page.getByRole('button', { name: 'Send my answer' }).click(),
      ]);
      assert.equal(answer.status(), 200, `POST survey form: HTTP ${answer.status()}`);
      const thanks = page.getByRole('heading', { level: 1, name: 'Thank you!', exact: true });
      await thanks.waitFor({ state: 'visible' });
      assert.ok((await mainText(page)).includes('Your answer helps us help you better.'));

      const after = await stack.api.ticket(ticket.id);
      assert.equal(after.status, 'closed', 'a satisfied "Yes" closes the ticket');
      assert.equal(after.priority, ticket.priority, 'the priority stays as it was');
      const survey = await stack.survey(token);
      assert.equal(survey.state, 'answered');
      assert.deepEqual(survey.answer, { csat: 4, resolved: true });
    } finally {
      await context.close();
    }
  }));

test('rating link 1 + "No": the thank-you page says the request is open again; ticket reopened with a raised priority',
  { timeout: 45_000 }, stack_guard(async () => {
    const subject = `Still broken ${uniq('s')}`;
    const { ticket, token, ratings, optOut } = await resolvedTicketWithSurvey(subject);
    assert.equal(ticket.priority, 'normal', 'a new ticket starts at normal priority');
    state.optOut = { link: optOut, customerId: ticket.customer.id };

    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const res = await page.goto(ratings['1']);
      assert.equal(res.status(), 200, `GET survey page: HTTP ${res.status()}`);
      await assertCsatChecked(page, 1);
      await assertNothingRecorded(ticket.id, token);

      await page.getByRole('radio', { name: 'No, I still need help', exact: true }).check();
      await page.getByRole('button', { name: 'Send my answer' }).click();
      const heading = page.getByRole('heading', { level: 1, name: 'Thank you – we are on it', exact: true });
      await heading.waitFor({ state: 'visible' });
      const text = await mainText(page);
      assert.match(text, /Your request is open again/, `the thank-you page says it is open again: ${text}`);
      await assertAccessible(page, 'the survey thank-you page (reopened)');

      const after = await stack.api.ticket(ticket.id);
      assert.equal(after.status, 'open', 'an unhappy "No" reopens the ticket');
      assert.equal(after.priority, 'high', 'reopening raises the priority (normal → high)');
      assert.equal(after.times.reopen_count, 1);
      const survey = await stack.survey(token);
      assert.equal(survey.state, 'answered');
      assert.deepEqual(survey.answer, { csat: 1, resolved: false });
    } finally {
      await context.close();
    }
  }));

test('the opt-out link of the survey mail: accessible page, one click stops surveys',
  { timeout: 30_000 }, stack_guard(async (t) => {
    if (!state.optOut) {
      t.skip('needs the survey mail of the test before, which failed');
      return;
    }
    const { link, customerId } = state.optOut;
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const res = await page.goto(link);
      assert.equal(res.status(), 200, `GET opt-out page: HTTP ${res.status()}`);
      await page.getByRole('heading', { level: 1, name: 'Stop satisfaction surveys?', exact: true }).waitFor();
      await assertAccessible(page, 'the survey opt-out page');
      const customer = () => stack.api.get(`/api/v1/customers/${customerId}`);
      assert.equal((await customer()).surveys_opt_out, false, 'opening the opt-out page changes nothing');

      await page.getByRole('button', { name: 'Stop surveys', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'You will get no more surveys', exact: true }).waitFor();
      assert.equal((await customer()).surveys_opt_out, true, 'the click opts the customer out');
    } finally {
      await context.close();
    }
  }));

// A customer who pastes a link into the subject (an error page, an order) must still be able
// to answer on a phone without scrolling sideways (WCAG 2.2 SC 1.4.10 Reflow).
test('a subject with a pasted link still fits a 375px-wide phone', { timeout: 30_000 },
  stack_guard(async (t) => {
    const subject = 'Error on https://shop.example.com/account/orders/2026/invoice-INV-000123456789.pdf';
    const { ticket, ratings } = await resolvedTicketWithSurvey(subject);
    const context = await newContext(browser, { viewport: { width: 375, height: 812 } });
    try {
      const page = await context.newPage();
      const res = await page.goto(ratings['5']);
      assert.equal(res.status(), 200, `GET survey page: HTTP ${res.status()}`);
      await page.getByRole('heading', { level: 1, name: 'How did we do?' }).waitFor();
      const shot = path.join(stack.shots, `survey-375px-long-subject-ticket-${ticket.id}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot at 375px: ${shot}`);
      await assertNoHorizontalScroll(page, 'the survey page (subject with a link)', shot);
    } finally {
      await context.close();
    }
  }));

// The stack only exists once `before` ran, so the guard is looked up when the test runs.
function stack_guard(fn) {
  return (t) => stack.guard(fn)(t);
}
