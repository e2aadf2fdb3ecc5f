// Browser-test harness for Helpdesk: a real SMTP sink (Debian's python3-aiosmtpd writing a
// Maildir), the real `helpdesk` binary on a temporary database, an HTTP client for the staff
// API, and Debian's Chromium driven by playwright-core (never a downloaded browser).
//
// Everything started here is stopped by Stack.stop(), and also killed if the test process is
// interrupted (SIGINT/SIGTERM, e.g. by `timeout`), so that no server or sink outlives a run.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

// The dev build of this checkout unless told otherwise (ctest passes the binary it built).
export const HELPDESK_BIN = process.env.HELPDESK_BIN ||
  path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../build/dev/server/helpdesk');
// The web app's build (docs/WEB.md), served by the binary at /app/.
export const WEB_DIST = path.resolve(process.env.HELPDESK_WEB_DIST ||
  path.join(path.dirname(new URL(import.meta.url).pathname), '../../web/dist'));
export const CHROMIUM = process.env.HELPDESK_E2E_CHROMIUM || '/usr/bin/chromium';
export const PYTHON = '/usr/bin/python3'; // Debian's, which has python3-aiosmtpd
export const ADMIN_EMAIL = 'admin@x.test';
export const ADMIN_NAME = 'Ada Admin';
export const PASSWORD = 'password123!';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// ------------------------------------------------------------------------------------------
// Small utilities

/** A name no other test uses (lowercase letters and digits). */
export function uniq(prefix = 'x') {
  return prefix + Math.random().toString(36).slice(2, 10);
}

/**
 * Polls `check` until it returns something truthy (which is returned) or `timeout` ms pass,
 * then fails naming `what` and the last value seen (or the last error thrown).
 */
export async function waitFor(check, { timeout = 10_000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const shown = last instanceof Error ? `${last.name}: ${last.message}` : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last: ${shown}`);
    }
    await sleep(interval);
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

// Children to kill if this process is interrupted before Stack.stop() ran.
const children = new Set();
function track(proc) {
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return proc;
}
function killChildren() {
  for (const proc of children) {
    try { proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
}
process.once('exit', killChildren);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    killChildren();
    process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
  });
}

/** Sends SIGTERM and waits for the exit; SIGKILL after `timeout` ms. Returns {code, signal}. */
async function terminate(proc, timeout = 10_000) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return { code: proc.exitCode, signal: proc.signalCode, killed: false };
  }
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  proc.kill('SIGTERM');
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeout); });
  const got = await Promise.race([exited, late]);
  clearTimeout(timer); // a pending timer would keep the test process alive
  if (got) return { ...got, killed: false };
  proc.kill('SIGKILL');
  return { ...(await exited), killed: true };
}

// ------------------------------------------------------------------------------------------
// Mail: the Maildir written by aiosmtpd's Mailbox handler, parsed here (MIME, quoted-printable)

function decodeQuotedPrintable(text) {
  // Soft line breaks first, then =XX escapes; the result is bytes (usually UTF-8).
  const joined = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < joined.length; i++) {
    const ch = joined[i];
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(joined.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** Decodes RFC 2047 encoded words (=?UTF-8?B?...?= and =?UTF-8?Q?...?=) in a header value. */
function decodeWords(value) {
  return value
    .replace(/\?=\s+=\?/g, '?==?') // white space between two encoded words is dropped
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, enc, data) => {
      const buf = enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : decodeQuotedPrintable(data.replace(/_/g, ' '));
      return new TextDecoder(charset.toLowerCase()).decode(buf);
    });
}

/** Splits a raw entity (latin1 string) into a lower-cased header map and the body. */
function splitEntity(raw) {
  const m = /\r?\n\r?\n/.exec(raw);
  const head = m ? raw.slice(0, m.index) : raw;
  const body = m ? raw.slice(m.index + m[0].length) : '';
  const headers = new Map();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, [...(headers.get(name) || []), value]);
  }
  return { headers, body };
}

function param(headerValue, name) {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(headerValue || '');
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The leaf parts of a MIME entity: [{type, text}] with bodies decoded to strings. */
function leafParts(raw) {
  const { headers, body } = splitEntity(raw);
  const ctype = (headers.get('content-type') || ['text/plain'])[0];
  const type = ctype.split(';')[0].trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = param(ctype, 'boundary');
    if (!boundary) return [];
    const pieces = body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
    // pieces[0] is the preamble, the last one the epilogue.
    return pieces.slice(1, -1).filter((p) => p.trim()).flatMap(leafParts);
  }
  const cte = ((headers.get('content-transfer-encoding') || ['7bit'])[0]).toLowerCase();
  let bytes;
  if (cte === 'quoted-printable') bytes = decodeQuotedPrintable(body);
  else if (cte === 'base64') bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else bytes = Buffer.from(body, 'latin1');
  const charset = (param(ctype, 'charset') || 'utf-8').toLowerCase();
  return [{ type, text: new TextDecoder(charset).decode(bytes) }];
}

/** One parsed mail: headers (decoded), the text/plain and text/html parts, and its links. */
export function parseMail(buf, file = '') {
  const raw = buf.toString('latin1');
  const { headers } = splitEntity(raw);
  const header = (name) => {
    const v = headers.get(name.toLowerCase());
    return v ? decodeWords(v[0]) : undefined;
  };
  const parts = leafParts(raw);
  const text = parts.filter((p) => p.type === 'text/plain').map((p) => p.text).join('\n');
  const html = parts.filter((p) => p.type === 'text/html').map((p) => p.text).join('\n');
  return {
    file,
    header,
    subject: header('Subject') || '',
    to: header('To') || '',
    from: header('From') || '',
    text,
    html,
    /** Every http(s) URL in the plain-text part (where links are written out in full). */
    links() {
      return text.match(/https?:\/\/[^\s"'<>]+/g) || [];
    },
    toString() {
      return `<mail to=${JSON.stringify(this.to)} subject=${JSON.stringify(this.subject)}>`;
    },
  };
}

export class Mailbox {
  constructor(dir) {
    this.dir = dir;
  }

  /** Every mail delivered so far, oldest first. */
  async all() {
    const found = [];
    for (const sub of ['new', 'cur']) {
      let names = [];
      try {
        names = await readdir(path.join(this.dir, sub));
      } catch (e) {
        if (e.code !== 'ENOENT') throw e;
      }
      for (const name of names) found.push(path.join(this.dir, sub, name));
    }
    // Maildir names start with the delivery time in seconds; sort by name for a stable order.
    found.sort();
    const mails = [];
    for (const file of found) mails.push(parseMail(await readFile(file), file));
    return mails;
  }

  /** Waits for a mail that `match` accepts and returns it (the first one, oldest first). */
  async waitFor(match, { timeout = 15_000, what = 'a mail' } = {}) {
    let seen = [];
    try {
      return await waitFor(async () => {
        seen = await this.all();
        return seen.find(match);
      }, { timeout, interval: 100, what });
    } catch (e) {
      e.message += `\nmails received: ${seen.map(String).join(', ') || 'none'}`;
      throw e;
    }
  }
}

// ------------------------------------------------------------------------------------------
// Staff API client: session cookie + X-CSRF-Token on writes

export class Api {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.cookies = new Map();
    this.csrf = null;
    this.user = null;
  }

  async request(method, urlPath, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.csrf && !['GET', 'HEAD'].includes(method)) headers['X-CSRF-Token'] = this.csrf;
    const res = await fetch(this.baseUrl + urlPath, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual', signal: AbortSignal.timeout(10_000),
    });
    for (const sc of res.headers.getSetCookie()) {
      const [first, ...attrs] = sc.split(';').map((s) => s.trim());
      const eq = first.indexOf('=');
      const name = first.slice(0, eq);
      const value = first.slice(eq + 1);
      const expired = attrs.some((a) => /^max-age=0$/i.test(a.replace(/\s/g, '')));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** The request, asserting the status; returns the JSON body. */
  async expect(method, urlPath, body, status) {
    const r = await this.request(method, urlPath, body);
    const ok = Array.isArray(status) ? status : [status];
    if (!ok.includes(r.status)) {
      throw new Error(`${method} ${urlPath}: want HTTP ${ok.join('/')}, got ${r.status}: ${r.text.slice(0, 600)}`);
    }
    return r.json;
  }

  get(urlPath) { return this.expect('GET', urlPath, undefined, 200); }
  post(urlPath, body, status = [200, 201]) { return this.expect('POST', urlPath, body, status); }

  async login(email, password) {
    const data = await this.expect('POST', '/api/v1/session', { email, password }, 200);
    if (!data?.csrf_token) throw new Error(`login answered without csrf_token: ${JSON.stringify(data)}`);
    if (this.cookies.size === 0) throw new Error('login answered without a session cookie');
    this.csrf = data.csrf_token;
    this.user = data.user;
    return data;
  }

  ticket(id) { return this.get(`/api/v1/tickets/${id}`); }
  async messages(id) { return (await this.get(`/api/v1/tickets/${id}/messages`)).items; }
}

// ------------------------------------------------------------------------------------------
// Processes: SMTP sink and server

async function startSmtp(dir, logFile) {
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const out = [];
    const proc = track(spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`,
      '-c', 'aiosmtpd.handlers.Mailbox', dir], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const keep = (b) => { out.push(b); appendFileSync(logFile, b); };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    try {
      await waitFor(async () => {
        if (proc.exitCode !== null) throw new Error(`aiosmtpd exited with ${proc.exitCode}: ${Buffer.concat(out)}`);
        return canConnect(port);
      }, { timeout: 10_000, interval: 50, what: `aiosmtpd listening on 127.0.0.1:${port}` });
      return { proc, port, output: () => Buffer.concat(out).toString() };
    } catch (e) {
      lastErr = e;
      await terminate(proc, 2000);
    }
  }
  throw lastErr;
}

class ServerProcess {
  constructor(proc, port, lines) {
    this.proc = proc;
    this.port = port;
    this.lines = lines;
    // 'close' comes after the last output has been read ('exit' may come before it).
    this.closed = new Promise((resolve) => proc.once('close', resolve));
  }
  tail(n = 40) { return this.lines.slice(-n).join('\n'); }
}

// What ASan, LSan and UBSan print. The dev build aborts on each (-fno-sanitize-recover); the
// log is read as well so that no report goes unnoticed, whatever the exit status.
const SANITIZER_RE = /runtime error:|ERROR: \w*Sanitizer|SUMMARY: \w*Sanitizer|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer/;

/** The report (from its first line on) when `lines` hold a sanitizer report, else null. */
export function sanitizerReport(lines) {
  const first = lines.findIndex((l) => SANITIZER_RE.test(l));
  return first < 0 ? null : lines.slice(Math.max(0, first - 2), first + 40).join('\n');
}

function runCli(args, { env, input } = {}) {
  const r = spawnSync(HELPDESK_BIN, args, { env, input, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw new Error(`helpdesk ${args[0]}: ${r.error.message}`);
  const report = sanitizerReport(`${r.stdout}${r.stderr}`.split('\n'));
  if (report) throw new Error(`helpdesk ${args.join(' ')} printed a sanitizer report:\n${report}`);
  if (r.status !== 0) {
    throw new Error(`helpdesk ${args.join(' ')} exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

/**
 * `helpdesk serve` on a port picked beforehand, so that HELPDESK_SERVER_PUBLIC_URL (the base of
 * every link in the mails) can name it; a port taken in the meantime is retried.
 */
async function startServer(db, env, logFile) {
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const lines = [];
    const fullEnv = { ...env, HELPDESK_SERVER_PUBLIC_URL: `http://127.0.0.1:${port}` };
    const proc = track(spawn(HELPDESK_BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`],
      { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
    let listening = null;
    let pending = '';
    const onData = (b) => {
      appendFileSync(logFile, b);
      pending += b.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop();
      for (const line of parts) {
        lines.push(line);
        const m = /listening on http:\/\/([\d.]+):(\d+)/.exec(line);
        if (m && !listening) listening = Number(m[2]);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    try {
      await waitFor(() => {
        if (proc.exitCode !== null || proc.signalCode !== null) {
          throw new Error(`helpdesk serve exited (${proc.exitCode ?? proc.signalCode}) before listening:\n${lines.slice(-30).join('\n')}`);
        }
        return listening;
      }, { timeout: 20_000, interval: 50, what: "helpdesk's 'listening on' line" });
      if (listening !== port) throw new Error(`asked to listen on ${port}, listening on ${listening}`);
      return new ServerProcess(proc, port, lines);
    } catch (e) {
      lastErr = e;
      await terminate(proc, 5000);
    }
  }
  throw lastErr;
}

// ------------------------------------------------------------------------------------------
// Browser and page checks

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/**
 * A fresh browser context (own cookies) that keeps the pages' real Content-Security-Policy and
 * watches it: every HTML page of the server must carry the header, and any violation the
 * browser reports (a `securitypolicyviolation` event or a console error) is collected.
 * `assertAccessible` and `context.close()` fail when something was collected, so a page that
 * needs more than its policy allows fails the test that loads it.
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const problems = [];
  context.cspProblems = problems;
  await context.exposeBinding('__hdCspViolation', ({ page }, v) => {
    problems.push(`CSP violation on ${page?.url()}: ${v.directive} blocked ${v.blocked || '(inline)'}` +
      (v.sample ? ` (${v.sample})` : ''));
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__hdCspViolation({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
    });
  });
  context.on('console', (msg) => {
    if (msg.type() === 'error' && /Content.Security.Policy/i.test(msg.text())) {
      problems.push(`CSP console error on ${msg.page()?.url()}: ${msg.text()}`);
    }
  });
  context.on('response', (res) => {
    if (res.request().resourceType() !== 'document' || res.status() >= 300 && res.status() < 400) return;
    if (!res.headers()['content-security-policy']) {
      problems.push(`${res.url()} (HTTP ${res.status()}) has no Content-Security-Policy header`);
    }
  });
  const close = context.close.bind(context);
  context.close = async (...args) => {
    await close(...args);
    assertNoCspProblems(context);
  };
  return context;
}

/** Fails listing the CSP problems collected so far in the page's context (and forgets them). */
export function assertNoCspProblems(context, label = '') {
  const found = context.cspProblems.splice(0);
  if (found.length) throw new Error(`Content-Security-Policy${label ? ` on ${label}` : ''}:\n- ${found.join('\n- ')}`);
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is; returns the violations (all impacts). axe is evaluated
 * through the DevTools protocol, which the page's CSP (rightly) does not govern: a script tag
 * would be refused by `default-src 'none'`.
 */
export async function axeViolations(page) {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.evaluate(`${AXE_SOURCE}\n;true`);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
  });
  return result;
}

/** Fails listing every axe violation (rule id, impact, elements) on the page. */
export async function assertAccessible(page, label) {
  assertNoCspProblems(page.context(), label);
  const violations = await axeViolations(page);
  if (violations.length === 0) return;
  const lines = [`accessibility: ${violations.length} axe-core rule(s) violated on ${label} (${page.url()}):`];
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes) {
      lines.push(`    at ${n.target}: ${n.html}`);
      if (n.summary) lines.push(`      ${n.summary.replace(/\n/g, '\n      ')}`);
    }
  }
  throw new Error(lines.join('\n'));
}

/** Fails on axe violations of impact serious or critical (the others are listed in the log). */
export async function assertNoSeriousA11y(page, label) {
  const v = await axeViolations(page);
  const bad = v.filter((x) => x.impact === 'serious' || x.impact === 'critical');
  const minor = v.filter((x) => !bad.includes(x));
  if (minor.length) process.stderr.write(`axe (minor) on ${label}: ${minor.map((x) => x.id).join(', ')}\n`);
  assert.deepEqual(bad.map((x) => `${x.id} [${x.impact}] ${x.help}: ${x.nodes.map((n) => n.target).join(' ; ')}`), [],
    `no serious or critical accessibility violation on ${label}`);
}

/**
 * The page's widths: {scrollWidth, innerWidth, culprits}. The page scrolls sideways when
 * scrollWidth > innerWidth; culprits then names the innermost elements whose content or box
 * sticks out (e.g. `div.msg: 462px of content in 330px`), to point at what to fix.
 */
export function pageWidths(page) {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const wide = [...document.body.querySelectorAll('*')].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.right > vw + 0.5 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0;
    });
    const innermost = wide.filter((e) => !wide.some((o) => o !== e && e.contains(o)));
    const culprits = innermost.map((e) => {
      const r = e.getBoundingClientRect();
      const name = e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/\s+/).join('.') : '');
      const text = (e.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 70);
      const size = e.clientWidth > 0
        ? `${e.scrollWidth}px of content in a ${e.clientWidth}px box`
        : `${Math.round(r.width)}px wide`;
      return `${name} ("${text}"): ${size}, right edge at ${Math.round(r.right)}px`;
    });
    return { scrollWidth: document.scrollingElement.scrollWidth, innerWidth: vw, culprits };
  });
}

/** Fails when the page scrolls sideways, naming what sticks out. */
export async function assertNoHorizontalScroll(page, label, screenshot) {
  const w = await pageWidths(page);
  if (w.scrollWidth <= w.innerWidth) return w;
  throw new Error(`${label} scrolls sideways at ${w.innerWidth}px: document.scrollingElement.scrollWidth ${w.scrollWidth} > innerWidth ${w.innerWidth}` +
    (screenshot ? ` (screenshot ${screenshot})` : '') + `\n  sticking out:\n  - ${w.culprits.join('\n  - ') || '(nothing found)'}`);
}

/** The visible text of the page's main content, white space collapsed. */
export async function mainText(page) {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim();
}

// ------------------------------------------------------------------------------------------
// The whole stack

export class Stack {
  /** Starts the SMTP sink, migrates a database, adds the admin, starts the server, logs in. */
  static async start({ env = {} } = {}) {
    const stack = new Stack();
    stack.dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-e2e-'));
    try {
      await stack.#start(env);
    } catch (e) {
      await stack.stop({ quiet: true });
      throw e;
    }
    return stack;
  }

  async #start(extraEnv) {
    this.failed = false;
    const maildir = path.join(this.dir, 'maildir');
    this.smtp = await startSmtp(maildir, path.join(this.dir, 'smtp.log'));
    this.mailbox = new Mailbox(maildir);
    this.db = path.join(this.dir, 'helpdesk.db');
    this.env = {
      ...process.env,
      HELPDESK_SURVEY_DELAY: '1s',
      HELPDESK_MAIL_SMTP_URL: `smtp://127.0.0.1:${this.smtp.port}`,
      ...extraEnv,
    };
    runCli(['migrate', '--db', this.db], { env: this.env });
    runCli(['user', 'add', '--db', this.db, '--email', ADMIN_EMAIL, '--name', ADMIN_NAME,
      '--role', 'admin'], { env: this.env, input: PASSWORD + '\n' });
    this.server = await startServer(this.db, this.env, path.join(this.dir, 'server.log'));
    this.baseUrl = `http://127.0.0.1:${this.server.port}`;
    this.api = new Api(this.baseUrl);
    await this.api.login(ADMIN_EMAIL, PASSWORD);
    this.shots = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-e2e-shots-'));
  }

  /** Launches Chromium once for this stack (closed by stop()). */
  async browser() {
    this._browser ??= await launchBrowser();
    return this._browser;
  }

  /** The server's last log lines (for failure messages). */
  serverLog(n = 40) {
    return this.server ? this.server.tail(n) : '(server not started)';
  }

  /**
   * Wraps a test body: a failure gets the server's log tail appended and keeps the work
   * directory for a look afterwards.
   */
  guard(fn) {
    return async (t) => {
      try {
        await fn(t);
      } catch (e) {
        this.failed = true;
        if (e && typeof e === 'object' && typeof e.message === 'string') {
          e.message += `\n--- last server log lines (all in ${this.dir}/server.log after the run):\n${this.serverLog(12)}`;
        }
        throw e;
      }
    };
  }

  /** Stops browser, server (SIGTERM, must exit 0) and SMTP sink; removes the work dir. */
  async stop({ quiet = false } = {}) {
    const problems = [];
    if (this._browser) {
      await this._browser.close().catch((e) => problems.push(`closing Chromium: ${e.message}`));
      this._browser = null;
    }
    if (this.server) {
      const r = await terminate(this.server.proc, 15_000);
      if (r.killed) problems.push(`helpdesk ignored SIGTERM for 15 s:\n${this.server.tail()}`);
      else if (r.code !== 0) problems.push(`helpdesk exited with ${r.code ?? r.signal} after SIGTERM (want 0):\n${this.server.tail()}`);
      await Promise.race([this.server.closed, sleep(2000)]);
      const report = sanitizerReport(this.server.lines);
      if (report) problems.push(`helpdesk printed a sanitizer report:\n${report}`);
      this.server = null;
    }
    if (this.smtp) {
      await terminate(this.smtp.proc, 5000);
      this.smtp = null;
    }
    if (this.shots) await rmdir(this.shots).catch(() => {}); // only if no screenshot was taken
    const keep = this.failed || problems.length > 0 || process.env.HELPDESK_E2E_KEEP;
    if (this.dir && !keep) await rm(this.dir, { recursive: true, force: true });
    else if (this.dir && !quiet) process.stderr.write(`helpdesk e2e: work directory kept: ${this.dir}\n`);
    if (problems.length && !quiet) throw new Error(problems.join('\n'));
  }

  // -- API helpers ---------------------------------------------------------------------------

  /** A ticket from `email`, created by the admin over the API and assigned to the admin. */
  createTicket({ subject, body, email, name }) {
    return this.api.post('/api/v1/tickets', {
      subject, body, customer: { email, name }, assignee_id: this.api.user.id,
    }, 201);
  }

  reply(id, body) {
    return this.api.post(`/api/v1/tickets/${id}/messages`, { body }, 201);
  }

  setStatus(id, status) {
    return this.api.post(`/api/v1/tickets/${id}/status`, { status }, 200);
  }

  /** The public survey API (reading records nothing). */
  async survey(token) {
    const r = await fetch(`${this.baseUrl}/api/v1/surveys/${token}`, { signal: AbortSignal.timeout(10_000) });
    if (r.status !== 200) throw new Error(`GET /api/v1/surveys/…: HTTP ${r.status}: ${await r.text()}`);
    return r.json();
  }
}

/**
 * A stack whose binary serves this checkout's web app build at /app/, and a browser:
 * {stack, browser, appUrl}. Fails saying how to build the app when there is no build.
 */
export async function startAppStack() {
  assert.ok(existsSync(path.join(WEB_DIST, 'index.html')), `the web app is built (${WEB_DIST}/index.html); run: cd web && npm ci && npm run build`);
  const stack = await Stack.start({ env: { HELPDESK_WEB_ROOT: WEB_DIST } });
  const browser = await stack.browser();
  const appUrl = `${stack.baseUrl}/app`;
  const probe = await fetch(`${appUrl}/`);
  const html = await probe.text();
  assert.ok(probe.status === 200 && html.includes('id="app"'), `helpdesk serves the app at /app/ (HTTP ${probe.status})`);
  assert.ok(stack.server.lines.some((l) => l.includes(`serving the web app from ${WEB_DIST}`)),
    `helpdesk serves this build (${WEB_DIST}):\n${stack.serverLog(20)}`);
  return { stack, browser, appUrl };
}

/**
 * A new browser context signed in to the web app at `appUrl` as `who` ({email}), on the agent's
 * first screen: {context, page}. `options` are the context's (viewport, acceptDownloads...).
 */
export async function signedInApp(browser, appUrl, who, options) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  await page.goto(`${appUrl}/`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mine, open' }).waitFor();
  return { context, page };
}
