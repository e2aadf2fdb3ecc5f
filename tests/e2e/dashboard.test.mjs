// The supervisors' dashboard (web/, /app/dashboard) in Debian's Chromium against the real binary,
// on a history imported through POST /api/v1/imports: the figures on screen are the API's, a
// figure's drill-down lists exactly its n tickets, a target change shows as met/missed, the CSV
// holds what is shown, and the screens pass axe-core at 1280 and 375 px without sideways scroll.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { Api, assertNoHorizontalScroll, assertNoSeriousA11y, PASSWORD, signedInApp, startAppStack, waitFor } from './harness.mjs';

const SUPERVISOR = { email: 'sue@x.test', name: 'Sue Supervisor' };
const AGENTS = [{ email: 'ana@x.test', name: 'Ana Agent' }, { email: 'ben@x.test', name: 'Ben Agent' }];
// An organisation name that would be a formula in a spreadsheet and markup in a page.
const EVIL_ORG = '=HYPERLINK("http://evil.test")<b>Evil</b>';
const ORGS = ['Acme', 'Globex', EVIL_ORG];
const DAY = 86_400_000;

let stack;
let browser;
let appUrl;
let supApi;
let period; // { fromDate, toDate, from, to } of the custom period every test looks at
const shotsDir = process.env.HELPDESK_E2E_SHOTS || null;

/** A screenshot of the whole screen (the app scrolls inside .screen, so the window grows to fit). */
async function shot(page, name, { whole = true } = {}) {
  if (!shotsDir) return;
  if (!whole) return page.screenshot({ path: path.join(shotsDir, `${name}.png`) });
  const size = page.viewportSize();
  const tall = await page.evaluate(() => {
    const s = document.querySelector('.screen');
    return s ? s.scrollHeight + s.getBoundingClientRect().top : document.body.scrollHeight;
  });
  await page.setViewportSize({ width: size.width, height: Math.min(8000, Math.max(size.height, Math.ceil(tall))) });
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`) });
  // And in pieces of one screen height, to look at closely.
  const full = page.viewportSize();
  for (let y = 0, i = 0; y < full.height; y += size.height, i++) {
    await page.screenshot({ path: path.join(shotsDir, `${name}-${i}.png`), clip: { x: 0, y, width: full.width, height: Math.min(size.height, full.height - y) } });
  }
  await page.setViewportSize(size);
}

const iso = (ms) => new Date(ms).toISOString();
const dateOf = (ms) => iso(ms).slice(0, 10);

/** A deterministic history of 64 tickets over 13 days: replies, waits, resolutions, surveys, reopens, backlog. */
function history(base) {
  const lines = [];
  for (let i = 0; i < 64; i++) {
    const t0 = base + i * 5 * 3600_000 + 8 * 3600_000;
    const at = (min) => iso(t0 + min * 60_000);
    const agent = AGENTS[i % 2].email;
    const events = [
      { at: at(0), type: 'message', author: 'customer', body: `Problem number ${i}` },
      { at: at(1), type: 'assign', agent },
    ];
    if (i % 9 === 8) {
      // Never answered: in the backlog, without a first response.
    } else {
      let m = 10 + ((i * 37) % 300);
      events.push({ at: at(m), type: 'message', author: agent, body: `Answer ${i}` });
      if (i % 5 === 4) {
        events.push({ at: at(m + 1), type: 'status', to: 'pending', by: agent });
        m += 90;
        events.push({ at: at(m), type: 'message', author: 'customer', body: 'Still broken' });
        m += 20 + (i % 4) * 30;
        events.push({ at: at(m), type: 'message', author: agent, body: 'Try this instead' });
      }
      if (i % 6 !== 5) {
        m += 120;
        events.push({ at: at(m), type: 'status', to: 'resolved', by: agent });
        if (i % 10 === 3) {
          // Reopened by the customer, answered and resolved again.
          events.push({ at: at(m + 30), type: 'message', author: 'customer', body: 'It came back' });
          events.push({ at: at(m + 75), type: 'message', author: agent, body: 'Fixed for good' });
          m += 180;
          events.push({ at: at(m), type: 'status', to: 'resolved', by: agent });
        }
        if (i % 4 !== 3) {
          events.push({ at: at(m + 60), type: 'survey_sent' });
          if (i % 3 !== 2) {
            const csat = [5, 4, 3, 5, 2, 4, 5, 1][i % 8];
            events.push({ at: at(m + 200), type: 'survey_answer', csat, nps: (i * 3) % 11, ces: 1 + (i % 7), resolved: csat !== 1 });
          } else {
            events.push({ at: at(m + 3000), type: 'status', to: 'closed', by: 'system' });
          }
        } else {
          events.push({ at: at(m + 30), type: 'status', to: 'closed', by: 'system' });
        }
      }
    }
    lines.push(JSON.stringify({
      external_id: `hist-${i}`, subject: `History ticket ${i}`,
      customer: { email: `c${i % 20}@cust.test`, name: `Customer ${i % 20}`, organization: ORGS[i % 3] },
      priority: ['low', 'normal', 'high', 'urgent'][i % 4], channel: ['email', 'web', 'phone', 'chat'][i % 4],
      team: i % 3 === 0 ? 'Tech' : 'Billing', tags: i % 4 === 0 ? ['vip'] : [], created_at: at(0), events,
    }));
  }
  return lines.join('\n') + '\n';
}

before(async () => {
  ({ stack, browser, appUrl } = await startAppStack());
  const teams = {};
  for (const name of ['Billing', 'Tech']) teams[name] = await stack.api.post('/api/v1/teams', { name }, 201);
  for (const [i, a] of AGENTS.entries()) {
    await stack.api.post('/api/v1/users', { ...a, role: 'agent', password: PASSWORD, team_id: teams[i ? 'Tech' : 'Billing'].id }, 201);
  }
  await stack.api.post('/api/v1/users', { ...SUPERVISOR, role: 'supervisor', password: PASSWORD, team_id: null }, 201);
  // The history: 20 days ago onwards, whole UTC days.
  const today = Date.parse(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
  const base = today - 20 * DAY;
  const r = await fetch(`${stack.baseUrl}/api/v1/imports`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-ndjson', 'X-CSRF-Token': stack.api.csrf,
      Cookie: [...stack.api.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
    body: history(base),
  });
  const imported = await r.text();
  assert.equal(r.status, 200, `import: ${imported}`);
  assert.equal(JSON.parse(imported).imported, 64);
  period = { fromDate: dateOf(base), toDate: dateOf(base + 13 * DAY), from: iso(base), to: iso(base + 14 * DAY) };
  supApi = new Api(stack.baseUrl);
  await supApi.login(SUPERVISOR.email, PASSWORD);
}, { timeout: 90_000 });

after(async () => {
  if (stack) await stack.stop();
}, { timeout: 30_000 });

const loggedIn = (who, viewport = { width: 1280, height: 900 }) =>
  signedInApp(browser, appUrl, who, { viewport, acceptDownloads: true });

const query = (extra = '') => `period=custom&from=${period.fromDate}&to=${period.toDate}&tz=UTC${extra}`;
const apiQuery = (extra = '') => `from=${period.from}&to=${period.to}&tz=UTC${extra}`;

/** Opens the dashboard on the test's period and waits for the cards. */
async function openDashboard(page, extra = '') {
  await page.goto(`${appUrl}/dashboard?${query(extra)}`);
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.locator('.kpi').first().waitFor();
  await page.locator('.breakdown tbody tr').first().waitFor();
}

/** A figure as the dashboard reads it (business-time medians for durations). */
function reading(figures, metric) {
  const f = figures[metric];
  if (['first_response', 'next_reply', 'first_resolution', 'full_resolution'].includes(metric)) {
    return { value: f.business.median, n: f.business.n, target: f.business.target?.median ?? null, met: f.business.met?.median ?? null };
  }
  if (metric === 'volume' || metric === 'backlog') return { value: f.n, n: f.n };
  return { value: f.value, n: f.n, target: f.target, met: f.met };
}
const METRICS = ['first_response', 'next_reply', 'first_resolution', 'full_resolution', 'csat', 'nps', 'ces',
  'response_rate', 'reopen_rate', 'one_touch_rate', 'volume', 'backlog'];
const num = (s) => (s === '' || s === null ? null : Number(s));

/** Every item of a drill-down, all pages. */
async function drillAll(qs) {
  const items = [];
  let cursor = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = await supApi.get(`/api/v1/kpis/tickets?${qs}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    if (!page.next_cursor) return items;
    cursor = page.next_cursor;
  }
  throw new Error('drill-down did not end');
}

/** Opens the drill-down with `open()`, pages through it, returns the ticket ids listed. */
async function drillOnScreen(page, open) {
  await open();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.locator('.drill__count').filter({ hasText: /^Showing/ }).waitFor();
  for (let guard = 0; guard < 50; guard++) {
    const more = dialog.getByRole('button', { name: /Show \d+ more/ });
    if (!(await more.count())) break;
    const before = await dialog.locator('tbody tr').count();
    await more.click();
    await waitFor(async () => (await dialog.locator('tbody tr').count()) > before, { what: 'the next page of the drill-down' });
  }
  const ids = (await dialog.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.ticket))));
  const count = await dialog.locator('.drill__count').innerText();
  return { dialog, ids, count };
}

test('the figures on screen are the API figures: cards, trend and breakdown', { timeout: 90_000 }, stack0(async () => {
  const { context, page } = await loggedIn(SUPERVISOR);
  // The side bar leads there.
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await openDashboard(page);
  const api = await supApi.get(`/api/v1/kpis?${apiQuery('&interval=day')}`);
  const total = api.groups[0].figures;
  assert.ok(total.volume.n === 64, `the whole history is in the period (volume ${total.volume.n})`);
  for (const m of METRICS) {
    const card = page.locator(`.kpi[data-metric="${m}"]`);
    const want = reading(total, m);
    assert.equal(num(await card.getAttribute('data-value')), want.value, `${m}: the card's value is the API's`);
    assert.equal(Number(await card.getAttribute('data-n')), want.n, `${m}: the card's n is the API's`);
    const text = (await card.innerText()).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`n = ${want.n.toLocaleString('en-US')}\\b`), `${m}: n is shown`);
    if (want.n > 0 && want.n < 30 && !['volume', 'backlog'].includes(m)) assert.match(text, /Low confidence/, `${m}: n < 30 is marked`);
    if (want.n >= 30) assert.doesNotMatch(text, /Low confidence/, `${m}: n ≥ 30 is not marked`);
  }
  // Shown text of a few: CSAT percent with one decimal and its interval, volume, NPS sign.
  const csatText = await page.locator('.kpi[data-metric="csat"]').innerText();
  assert.ok(csatText.includes(`${Number(total.csat.value.toFixed(1))}%`), `CSAT shown as ${total.csat.value}: ${csatText}`);
  assert.ok(csatText.includes(`95% interval ${Number(total.csat.ci[0].toFixed(1))}–${Number(total.csat.ci[1].toFixed(1))}%`), csatText);
  assert.ok((await page.locator('.kpi[data-metric="volume"] .kpi__number').innerText()).trim() === '64');

  // The trend table equals the series.
  await page.getByLabel('Trend of').selectOption('volume');
  await page.getByText('Show as table').click();
  const rows = await page.locator('.trend__table tbody tr').evaluateAll((trs) => trs.map((tr) => ({ start: tr.dataset.start, value: tr.dataset.value, n: tr.dataset.n })));
  assert.equal(rows.length, api.groups[0].series.length, 'one row per interval');
  api.groups[0].series.forEach((s, i) => {
    assert.equal(rows[i].start, s.start);
    assert.equal(Number(rows[i].value), s.figures.volume.n, `volume of ${s.start}`);
  });
  assert.equal(await page.locator('.trend__svg .trend__dot').count(), api.groups[0].series.length, 'a point per interval with a value');

  // The breakdown by agent and by team equals the grouped answers.
  for (const by of ['agent', 'team']) {
    if (by !== 'agent') await page.getByLabel('Break down by').selectOption(by);
    const grouped = await supApi.get(`/api/v1/kpis?${apiQuery(`&group_by=${by}`)}`);
    await waitFor(async () => (await page.locator('.breakdown tbody tr').count()) === grouped.groups.length, { what: `a row per ${by}` });
    for (const g of grouped.groups) {
      const key = g.key.id === null ? 'none' : String(g.key.id);
      const row = page.locator(`.breakdown tbody tr[data-group="${key}"]`);
      for (const m of METRICS) {
        const cell = row.locator(`td[data-metric="${m}"]`);
        assert.equal(num(await cell.getAttribute('data-value')), reading(g.figures, m).value, `${by} ${g.key.name}: ${m}`);
        assert.equal(Number(await cell.getAttribute('data-n')), reading(g.figures, m).n, `${by} ${g.key.name}: ${m} n`);
      }
    }
  }
  // Sorting by a column says so (aria-sort) and orders the rows.
  const csatHead = page.getByRole('columnheader', { name: /CSAT/ });
  await csatHead.getByRole('button').click();
  assert.equal(await csatHead.getAttribute('aria-sort'), 'descending');
  const values = await page.locator('.breakdown tbody td[data-metric="csat"]').evaluateAll((tds) => tds.map((td) => td.dataset.value));
  const present = values.filter((v) => v !== '').map(Number);
  assert.deepEqual(present, [...present].sort((a, b) => b - a), 'CSAT descending');
  assert.deepEqual(values.slice(present.length).filter((v) => v !== ''), [], 'groups without CSAT last');

  await assertNoSeriousA11y(page, 'the dashboard');
  await assertNoHorizontalScroll(page, 'the dashboard at 1280 px');
  await shot(page, 'dashboard-1280');
  await context.close();
}));

test('a click on a card, a breakdown cell or a trend interval lists exactly the n tickets behind it', { timeout: 90_000 }, stack0(async () => {
  const { context, page } = await loggedIn(SUPERVISOR);
  await openDashboard(page);
  // A card: CSAT.
  const total = (await supApi.get(`/api/v1/kpis?${apiQuery()}`)).groups[0].figures;
  const want = (await drillAll(`${apiQuery()}&metric=csat`)).map((x) => x.ticket_id);
  assert.equal(want.length, total.csat.n, 'the API drill-down has n items');
  let got = await drillOnScreen(page, () => page.locator('.kpi[data-metric="csat"] .kpi__drill').click());
  assert.deepEqual(got.ids, want, 'the dialog lists the CSAT answers of the figure');
  assert.equal(got.count, `Showing ${want.length} of n = ${total.csat.n}`);
  await assertNoSeriousA11y(page, 'the drill-down');
  await shot(page, 'drill-1280', { whole: false });
  await page.keyboard.press('Escape');
  await got.dialog.waitFor({ state: 'hidden' });

  // More than a page: the volume (64) pages through "Show 50 more".
  got = await drillOnScreen(page, () => page.locator('.kpi[data-metric="volume"] .kpi__drill').click());
  assert.equal(got.ids.length, 64);
  assert.equal(new Set(got.ids).size, 64, 'no ticket twice');
  await page.keyboard.press('Escape');

  // A breakdown cell: first response time of one agent.
  const grouped = await supApi.get(`/api/v1/kpis?${apiQuery('&group_by=agent')}`);
  const ana = grouped.groups.find((g) => g.key.name === AGENTS[0].name);
  const anaWant = (await drillAll(`${apiQuery()}&metric=first_response&group_by=agent&group=${ana.key.id}`)).map((x) => x.ticket_id);
  assert.equal(anaWant.length, ana.figures.first_response.business.n);
  got = await drillOnScreen(page, () => page.locator(`.breakdown tr[data-group="${ana.key.id}"] td[data-metric="first_response"] button`).click());
  assert.deepEqual(got.ids, anaWant, "Ana's first responses");
  await page.keyboard.press('Escape');

  // A trend interval, from the table (the keyboard's way): backlog at the end of one day.
  const daily = (await supApi.get(`/api/v1/kpis?${apiQuery('&interval=day')}`)).groups[0].series;
  const idx = daily.findIndex((s) => s.figures.first_response.business.n > 0);
  const day = daily[idx];
  const dayWant = (await drillAll(`from=${day.start}&to=${day.end}&tz=UTC&metric=first_response`)).map((x) => x.ticket_id);
  assert.equal(dayWant.length, day.figures.first_response.business.n);
  await page.getByText('Show as table').click();
  const dayButton = page.locator(`.trend__table tr[data-start="${day.start}"] button`);
  await dayButton.focus();
  got = await drillOnScreen(page, () => page.keyboard.press('Enter'));
  assert.deepEqual(got.ids, dayWant, 'the first responses of that day');
  // A ticket opens from the list.
  await got.dialog.getByRole('link').first().click();
  await page.getByRole('heading', { level: 1, name: new RegExp(`History ticket`) }).waitFor();
  assert.match(page.url(), new RegExp(`/app/tickets/${got.ids[0]}$`));
  await context.close();
}));

test('a target set on the dashboard shows as met or missed', { timeout: 90_000 }, stack0(async () => {
  const { context, page } = await loggedIn(SUPERVISOR);
  await openDashboard(page);
  const csat = (await supApi.get(`/api/v1/kpis?${apiQuery()}`)).groups[0].figures.csat.value;
  const card = page.locator('.kpi[data-metric="csat"]');
  assert.match(await card.innerText(), /No target/);
  const setTarget = async (value) => {
    await page.getByRole('combobox', { name: /^Figure/ }).selectOption('csat');
    await page.getByRole('textbox', { name: /^Target/ }).fill(String(value));
    await page.getByRole('button', { name: 'Save target' }).click();
  };
  await setTarget(Math.floor(csat) - 1);
  await card.filter({ hasText: /Target ≥ \d+%: ✓ met/ }).waitFor();
  assert.ok((await card.getAttribute('class')).includes('kpi--met'));
  await setTarget(Math.ceil(csat) + 1);
  await card.filter({ hasText: /Target ≥ \d+%: ✗ missed/ }).waitFor();
  const targets = (await supApi.get('/api/v1/kpi-targets')).items.filter((t) => t.figure === 'csat');
  assert.deepEqual(targets.map((t) => [t.value, t.team_id]), [[Math.ceil(csat) + 1, null]], 'one target for everyone, replaced');
  // A duration target in hours, for one team only: the team's figures are judged by it.
  const tech = (await supApi.get('/api/v1/teams')).items.find((t) => t.name === 'Tech');
  await page.getByRole('combobox', { name: /^Figure/ }).selectOption('first_response.business.median');
  await page.getByLabel('Applies to').selectOption(String(tech.id));
  await page.getByRole('textbox', { name: /^Target/ }).fill('0.5');
  await page.getByLabel('Unit').selectOption({ label: 'hours' });
  await page.getByRole('button', { name: 'Save target' }).click();
  await page.locator('tr[data-target="first_response.business.median"]').filter({ hasText: 'Tech' }).filter({ hasText: '≤ 30 min' }).waitFor();
  await openDashboard(page, `&team=${tech.id}`);
  const frt = (await supApi.get(`/api/v1/kpis?${apiQuery(`&team=${tech.id}`)}`)).groups[0].figures.first_response.business;
  assert.equal(frt.target.median, 1800);
  await page.locator('.kpi[data-metric="first_response"]').filter({ hasText: frt.met.median ? /median ≤ 30 min: ✓ met/ : /median ≤ 30 min: ✗ missed/ }).waitFor();
  // A bad value is refused with the field named, and nothing changes.
  await page.getByRole('combobox', { name: /^Figure/ }).selectOption('csat');
  await page.getByRole('textbox', { name: /^Target/ }).fill('150');
  await page.getByRole('button', { name: 'Save target' }).click();
  await page.getByRole('alert').filter({ hasText: /percentage/ }).waitFor();
  assert.equal((await supApi.get('/api/v1/kpi-targets')).items.find((t) => t.figure === 'csat').value, Math.ceil(csat) + 1);
  await assertNoSeriousA11y(page, 'the dashboard with targets');
  await context.close();
}));

test('the CSV files hold the figures and the table as shown, formulas disarmed', { timeout: 90_000 }, stack0(async () => {
  const { context, page } = await loggedIn(SUPERVISOR);
  await openDashboard(page, '&group_by=organization');
  // The figures.
  let [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export figures (CSV)' }).click()]);
  assert.match(download.suggestedFilename(), /^kpis_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
  let csv = await readFile(await download.path(), 'utf8');
  const lines = csv.split('\r\n');
  assert.equal(lines.at(-1), '', 'CRLF after every row');
  const cells = lines.slice(0, -1).map((l) => l.split(','));
  assert.deepEqual(cells[0].slice(0, 7), ['Figure', 'Statistic', 'Clock', 'Shown', 'Value', 'Unit', 'n']);
  for (const m of METRICS) {
    const card = page.locator(`.kpi[data-metric="${m}"]`);
    const label = await card.locator('.kpi__name').innerText();
    const shown = (await card.locator('.kpi__number').innerText()).trim();
    const row = cells.find((c) => c[0] === label && (c[2] === '' || (c[1] === 'median' && c[2] === 'business')));
    assert.ok(row, `a row for ${label}`);
    assert.equal(row[3], shown, `${label}: the shown value`);
    assert.equal(row[6], await card.getAttribute('data-n'), `${label}: n`);
  }
  // The breakdown by organisation, in the order shown; the organisation that looks like a formula is text.
  [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export table (CSV)' }).click()]);
  csv = await readFile(await download.path(), 'utf8');
  const shownOrder = await page.locator('.breakdown tbody th[scope="row"]').allInnerTexts();
  assert.ok(shownOrder.includes(EVIL_ORG), `the organisation name is shown as text, not markup: ${JSON.stringify(shownOrder)}`);
  assert.equal(await page.locator('.breakdown b').count(), 0, 'no markup from data');
  const rows = csv.split('\r\n').slice(1, -1);
  assert.equal(rows.length, shownOrder.length);
  const quotedEvil = `"'${EVIL_ORG.replace(/"/g, '""')}"`;
  rows.forEach((r, i) => {
    const name = shownOrder[i] === EVIL_ORG ? quotedEvil : shownOrder[i];
    assert.ok(r.startsWith(name + ','), `row ${i} is ${shownOrder[i]}: ${r.slice(0, 80)}`);
  });
  await context.close();
}));

test('phone width, the admin health panel, and agents kept out', { timeout: 90_000 }, stack0(async () => {
  const phone = await loggedIn(SUPERVISOR, { width: 375, height: 812 });
  await phone.page.getByRole('button', { name: 'Menu' }).click();
  await phone.page.getByRole('link', { name: 'Dashboard' }).click();
  await openDashboard(phone.page);
  await assertNoHorizontalScroll(phone.page, 'the dashboard at 375 px');
  await assertNoSeriousA11y(phone.page, 'the dashboard at 375 px');
  await shot(phone.page, 'dashboard-375');
  await drillOnScreen(phone.page, () => phone.page.locator('.kpi[data-metric="backlog"] .kpi__drill').click());
  await assertNoHorizontalScroll(phone.page, 'the drill-down at 375 px');
  await shot(phone.page, 'drill-375', { whole: false });
  // A supervisor is not an admin: the health panel says who handles it.
  assert.match(await phone.page.locator('#dash-health').locator('..').innerText(), /handled by admins/);
  await phone.context.close();

  // Mail carrying a program is held in quarantine; the admin sees it (as text) and can drop it.
  const token = (await stack.api.post('/api/v1/tokens', { name: 'mail robot', role: 'agent' }, 201)).token;
  const subject = '<img src=x onerror=alert(1)> invoice';
  const raw = [
    'From: Mallory <mallory@evil.test>', 'To: help@x.test', `Subject: ${subject}`, 'Message-ID: <q1@evil.test>',
    'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '',
    'See attached.', '--b', 'Content-Type: application/octet-stream; name="invoice.exe"',
    'Content-Disposition: attachment; filename="invoice.exe"', 'Content-Transfer-Encoding: base64', '', 'TVqQAAMAAAAEAAAA', '--b--', '',
  ].join('\r\n');
  const inbound = await fetch(`${stack.baseUrl}/api/v1/mail/inbound`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'message/rfc822' }, body: raw,
  });
  const outcome = await inbound.json();
  assert.equal(outcome.outcome, 'quarantined', JSON.stringify(outcome));

  // The admin sees dead jobs and quarantined mail with the API's counts.
  const admin = await loggedIn({ email: 'admin@x.test' });
  await openDashboard(admin.page);
  const dead = (await stack.api.get('/api/v1/jobs?state=dead')).items.length;
  const held = (await stack.api.get('/api/v1/mail/quarantine?limit=200')).items.length;
  await waitFor(async () => (await admin.page.locator('.health__count').first().getAttribute('data-count')) !== '', { what: 'the health counts' });
  const counts = await admin.page.locator('.health__count').evaluateAll((els) => els.map((e) => Number(e.dataset.count)));
  assert.deepEqual(counts, [dead, held]);
  assert.equal(held, 1);
  const item = admin.page.locator('.health__list li').filter({ hasText: subject });
  await item.waitFor();
  assert.equal(await admin.page.locator('.health img').count(), 0, 'the subject is text, not markup');
  await assertNoSeriousA11y(admin.page, 'the dashboard with the health panel');
  await admin.page.locator('#dash-health').scrollIntoViewIfNeeded();
  await shot(admin.page, 'health-1280', { whole: false });
  await item.getByRole('button', { name: /^Drop/ }).click();
  await waitFor(async () => (await admin.page.locator('.health__count').nth(1).getAttribute('data-count')) === '0', { what: 'the quarantine emptied' });
  assert.equal((await stack.api.get('/api/v1/mail/quarantine?limit=200')).items.length, 0);
  await admin.page.getByRole('link', { name: 'All failed jobs' }).click();
  await admin.page.getByRole('heading', { level: 1, name: 'Background jobs' }).waitFor();
  await admin.context.close();

  // Agents have no dashboard: no side-bar entry, and the address says not found.
  const agent = await loggedIn(AGENTS[0]);
  assert.equal(await agent.page.getByRole('link', { name: 'Dashboard' }).count(), 0);
  await agent.page.goto(`${appUrl}/dashboard`);
  await agent.page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
  await agent.context.close();
}));

test('a reopen lands in the review queue, gets a root cause and is marked reviewed; its customer is at risk and gets an outreach', { timeout: 90_000 }, stack0(async () => {
  // A live reopen (imported history adds no review items): resolve a ticket, then the customer writes again.
  const subject = 'Review me <b>please</b>';
  const ticket = await stack.api.post('/api/v1/tickets', {
    subject, body: 'It broke.', customer: { email: 'rita@customer.test', name: 'Rita Reopen' },
  }, 201);
  if (ticket.status !== 'open') await stack.api.post(`/api/v1/tickets/${ticket.id}/status`, { status: 'open' }, 200);
  await stack.api.post(`/api/v1/tickets/${ticket.id}/status`, { status: 'resolved' }, 200);
  await stack.api.post(`/api/v1/tickets/${ticket.id}/messages`, { body: 'Still broken.', author: 'customer' }, 201);
  const queued = (await supApi.get('/api/v1/reviews?state=open')).items.find((i) => i.ticket.id === ticket.id);
  assert.ok(queued, 'the reopen made a review item');
  assert.equal(queued.reason, 'reopen');

  for (const viewport of [{ width: 375, height: 812 }, { width: 1280, height: 900 }]) {
    const { page, context } = await loggedIn(SUPERVISOR, viewport);
    await openDashboard(page);
    const item = page.locator('.review__item').filter({ hasText: subject });
    await item.waitFor();
    assert.match(await item.innerText(), /Reopened/);
    assert.equal(await page.locator('.review b').count(), 0, 'the subject is text, not markup');
    await page.locator('.review .review__counts').waitFor();
    // Recognition: one line per agent, with the CSAT interval and n, and a rank or why not.
    const recog = page.locator('.recognition table');
    await recog.waitFor();
    const ana = recog.getByRole('row').filter({ hasText: 'Ana Agent' });
    assert.match(await ana.innerText(), /n = \d+/);
    assert.match(await ana.innerText(), /Not ranked|\d/);
    await assertNoHorizontalScroll(page, `the review queue at ${viewport.width} px`);
    await assertNoSeriousA11y(page, `the review queue at ${viewport.width} px`);
    await page.locator('#dash-review').scrollIntoViewIfNeeded();
    await shot(page, `review-${viewport.width}`, { whole: false });
    if (viewport.width === 1280) {
      await item.getByLabel('Root cause').selectOption({ label: 'wrong answer' });
      await item.getByLabel('Action taken').fill('Called Rita back; fixed the article.');
      await item.getByRole('button', { name: /^Mark reviewed/ }).click();
      await waitFor(async () => (await page.locator('.review__item').filter({ hasText: subject }).count()) === 0, { what: 'the item left the open queue' });
      const done = (await supApi.get('/api/v1/reviews?state=reviewed')).items.find((i) => i.ticket.id === ticket.id);
      assert.equal(done.cause?.name, 'wrong answer');
      assert.equal(done.action_taken, 'Called Rita back; fixed the article.');
      assert.equal(done.reviewed_by?.name, SUPERVISOR.name);

      // The cause's count over time, in a period that holds today (the item is today's); then
      // the list of causes is edited: add, rename, delete.
      await page.goto(`${appUrl}/dashboard?period=7&tz=UTC&interval=day`);
      const overTime = page.getByRole('table', { name: 'Review items per root cause and day' });
      await overTime.waitFor();
      const row = overTime.getByRole('row').filter({ hasText: 'wrong answer' });
      const counts = (await row.locator('td').allInnerTexts()).map(Number);
      assert.equal(counts.reduce((a, b) => a + b, 0), 1, `one item tagged "wrong answer" this week: ${counts}`);
      assert.equal(counts.length, (await overTime.locator('thead th').count()) - 1, 'a count for every day');
      await page.getByRole('heading', { name: 'Root causes over time' }).scrollIntoViewIfNeeded();
      await shot(page, 'causes-over-time-1280', { whole: false });
      await page.getByText(/^Edit the root causes/).click();
      await page.getByLabel('New root cause').fill('Billing error');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      const box = page.getByLabel('Name of root cause Billing error');
      await box.fill('Billing mistake');
      await page.getByRole('button', { name: 'Rename Billing error' }).click();
      await page.getByLabel('Name of root cause Billing mistake').waitFor();
      assert.ok(await page.getByRole('button', { name: 'Delete wrong answer' }).isDisabled(), 'a cause in use cannot be deleted');
      await page.getByRole('button', { name: 'Delete Billing mistake' }).click();
      await waitFor(async () => (await page.getByLabel('Name of root cause Billing mistake').count()) === 0, { what: 'the cause deleted' });
      const names = (await supApi.get('/api/v1/review-causes')).items.map((c) => c.name);
      assert.ok(names.includes('wrong answer') && !names.some((n) => n.startsWith('Billing')), names.join(', '));

      // The reopen puts Rita among the customers at risk; an outreach is recorded with its outcome.
      const risk = page.locator('.risk .review__item').filter({ hasText: 'Rita Reopen' });
      await risk.waitFor();
      assert.match(await risk.innerText(), /1 reopen/);
      await page.locator('#dash-risk').scrollIntoViewIfNeeded();
      await shot(page, 'risk-1280', { whole: false });
      await risk.getByLabel('Outreach note').fill('Phoned Rita; the fix works now.');
      await risk.getByLabel('Outcome').selectOption('saved');
      await risk.getByRole('button', { name: 'Record outreach' }).click();
      await waitFor(async () => /Last outreach: Saved by Sue Supervisor/.test(await page.locator('.risk .review__item').filter({ hasText: 'Rita Reopen' }).innerText()),
        { what: 'the outreach shown' });
      const listed = (await supApi.get('/api/v1/customers/at-risk')).items.find((i) => i.customer.name === 'Rita Reopen');
      assert.equal(listed.last_outreach?.outcome, 'saved');
      await assertNoSeriousA11y(page, 'customers at risk at 1280 px');
    }
    await context.close();
  }
}));

test('kudos sent from the dashboard reach the agent at once and stay on their kudos page', { timeout: 90_000 }, stack0(async () => {
  const message = 'Great <i>catch</i> on the refund, Ana!';
  const agent = await loggedIn(AGENTS[0]);
  const sup = await loggedIn(SUPERVISOR);
  await openDashboard(sup.page);
  const form = sup.page.getByRole('form', { name: 'Send kudos' });
  await form.getByLabel('Kudos to').selectOption({ label: AGENTS[0].name });
  await form.getByLabel('Message').fill(message);
  await form.getByRole('button', { name: 'Send kudos' }).click();
  await sup.page.locator('.toast').filter({ hasText: 'Kudos sent.' }).waitFor();

  // Live: the agent's open app shows it without a reload, as text (not markup).
  const toastShown = agent.page.locator('.toast').filter({ hasText: `Kudos from ${SUPERVISOR.name}` });
  await toastShown.waitFor({ timeout: 15_000 });
  assert.match(await toastShown.innerText(), /Great <i>catch<\/i> on the refund/);
  await toastShown.getByRole('button', { name: 'See kudos' }).click();
  await agent.page.getByRole('heading', { level: 1, name: 'Kudos received' }).waitFor();
  const item = agent.page.locator('.kudos__item').first();
  assert.equal(await item.locator('.kudos__message').innerText(), message);
  assert.match(await item.innerText(), new RegExp(`From ${SUPERVISOR.name}`));
  assert.equal(await agent.page.locator('.kudos i').count(), 0, 'the message is text, not markup');
  await assertNoSeriousA11y(agent.page, 'the kudos page');
  await shot(agent.page, 'kudos-1280', { whole: false });

  // The side bar leads there after a reload; another agent sees none of Ana's kudos.
  await agent.page.reload();
  await agent.page.getByRole('heading', { level: 1, name: 'Kudos received' }).waitFor();
  await agent.page.locator('.kudos__item').first().waitFor();
  const other = await loggedIn(AGENTS[1]);
  await other.page.getByRole('link', { name: 'Kudos received' }).click();
  await other.page.getByRole('heading', { level: 1, name: 'Kudos received' }).waitFor();
  await other.page.getByText('No kudos yet.').waitFor();
  for (const c of [agent, sup, other]) await c.context.close();
}));

/** The stack's guard (server log on failure) around a test body. */
function stack0(fn) {
  return async (t) => stack.guard(fn)(t);
}
