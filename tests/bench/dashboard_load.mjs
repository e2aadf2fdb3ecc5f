// The supervisor dashboard as a browser loads it: logs in, opens /app/dashboard for a custom
// period and waits until every API request the page made has answered (the live event stream
// aside), three times (the first with a cold browser cache). Prints each load's time and its
// slowest requests. Run by kpi.sh on its served database; needs web/dist and playwright-core
// (tests/e2e/node_modules) and Debian's chromium.
//   node tests/bench/dashboard_load.mjs BASE EMAIL PASSWORD FROM_DATE TO_DATE
import { chromium } from '../e2e/node_modules/playwright-core/index.mjs';

const [base, email, password, from, to] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const login = await page.request.post(`${base}/api/v1/session`, { data: { email, password } });
  if (!login.ok()) throw new Error(`login answered ${login.status()}`);
  const counted = (url) => url.includes('/api/') && !url.includes('/events/stream');
  let pending = 0;
  let lastAnswer = 0;
  const answers = [];
  page.on('request', (r) => { if (counted(r.url())) pending++; });
  const answered = (r) => {
    if (!counted(r.url())) return;
    pending--;
    lastAnswer = Date.now();
    answers.push([lastAnswer, r.url().slice(base.length)]);
  };
  page.on('requestfinished', answered);
  page.on('requestfailed', answered);
  for (let round = 1; round <= 3; round++) {
    answers.length = 0;
    const start = Date.now();
    await page.goto(`${base}/app/dashboard?period=custom&from=${from}&to=${to}&tz=UTC`);
    // Settled: nothing in flight for 400 ms after the page's first requests.
    await page.waitForTimeout(200);
    while (pending > 0 || Date.now() - lastAnswer < 400) await page.waitForTimeout(50);
    console.log(`dashboard load ${round}${round === 1 ? ' (cold)' : ''}: every figure in ${lastAnswer - start} ms`);
    if (round === 3)
      for (const [at, url] of answers.sort((a, b) => b[0] - a[0]).slice(0, 4))
        console.log(`  +${at - start} ms ${url.slice(0, 100)}`);
  }
} finally {
  await browser.close();
}
