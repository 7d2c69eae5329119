import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AppProcess, startAppProcess } from '../support/app-process';
import { TestDatabases, createTestDatabases, describeMariaDb } from '../support/test-databases';
import { waitFor } from '../support/wait-for';
import { launchChromium } from './chromium';

/**
 * The web console as people use it: Chromium (playwright-core) against DAS running as its own
 * process (src/main.ts) on MariaDB, everything through the pages and the REST API they call.
 * Also writes the README's screenshots (docs/screenshots/).
 */

const SCREENSHOTS = resolve(__dirname, '..', '..', 'docs', 'screenshots');
const ADMIN = { username: 'admin', password: 'admin-password-for-console' };
const ALICE = { username: 'alice', password: 'alice-password-1' };
const BOB = { username: 'bob', password: 'bob-password-1' };

/** 2^53 + 1: a JavaScript number cannot hold it (it would read 9007199254740992). */
const KNOWN_ID = '9007199254740993';
const KNOWN_CREATED_AT = '2023-03-14 09:26:53.589793';
const KNOWN_AMOUNT = '12345678901234.123456';
const KNOWN_BYTES = '00ff10ab';
const KNOWN_PREFIX = 'CUST-4242';
const EVENTS = 1000;

type Json = Record<string, unknown>;

describeMariaDb('web console in Chromium, DAS on MariaDB', () => {
  let databases: TestDatabases;
  let service: AppProcess;
  let browser: Browser;
  let adminToken: string;

  const api = async (method: string, path: string, token: string | null, body?: unknown): Promise<Response> =>
    fetch(`${service.url}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  const login = async (who: { username: string; password: string }): Promise<string> => {
    const response = await api('POST', '/auth/login', null, who);
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const ok = async (response: Response, status = 200): Promise<unknown> => {
    const text = await response.text();
    expect({ status: response.status, text }).toEqual({ status, text: expect.any(String) });
    return text === '' ? undefined : JSON.parse(text);
  };

  beforeAll(async () => {
    databases = await createTestDatabases('mysql');
    await seedSource(databases);
    service = await startAppProcess({
      ...databases.env,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      JWT_SECRET: randomBytes(32).toString('hex'),
      SCHEDULER_ENABLED: 'false',
      // Every test logs in through the form; the login rate limit is tested elsewhere (auth e2e).
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    });
    adminToken = await login(ADMIN);
    for (const table of ['orders', 'events', 'clicks', 'doomed']) {
      await ok(
        await api('POST', '/policies', adminToken, {
          tableName: table,
          dateColumn: 'created_at',
          archiveAfterDays: 365,
          deleteAfterDays: 36500,
        }),
        201,
      );
    }
    // orders is archived beforehand (the analyst reads it); events is archived from the dashboard.
    const started = (await ok(await api('POST', '/policies/orders/run', adminToken, { job: 'archive' }), 202)) as Json;
    await waitFor(
      'the archive run of orders',
      async () =>
        ((await ok(await api('GET', `/runs/${String(started.runId)}`, adminToken))) as Json).status !== 'running',
      60_000,
      200,
    );
    // An index an operator added to the archive table: its column becomes filterable.
    await databases.archive('CREATE INDEX orders_customer_ref ON orders (customer_ref)');
    for (const user of [ALICE, BOB]) {
      await ok(await api('POST', '/auth/signup', null, user), 201);
    }
    await ok(await api('PUT', '/users/alice/permissions', adminToken, { tables: ['orders'] }));
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await databases?.drop();
  });

  const newPage = async (width = 1280): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      acceptDownloads: true,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return { context, page };
  };
  const logInThroughForm = async (page: Page, who: { username: string; password: string }): Promise<void> => {
    await page.goto(`${service.url}/`);
    await page.getByLabel('Username').fill(who.username);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
  };

  it('serves the console with its security headers, and / leads there', async () => {
    const root = await fetch(`${service.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const page = await fetch(`${service.url}/console/archives/orders`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-cache');
  });

  it('an analyst finds a known archived row by filter, sees it byte-exact and exports CSV and JSON lines matching the rows', async () => {
    const { context, page } = await newPage();
    await logInThroughForm(page, ALICE);
    await expect(page.getByRole('link', { name: 'Dashboard' }).count()).resolves.toBe(0);

    await page.getByLabel('Table').selectOption({ label: 'orders (source)' });
    await page.getByLabel('created_at from').fill('2023-03-01');
    await page.getByLabel('created_at before').fill('2023-04-01');
    await page.getByLabel('How customer_ref matches').selectOption('prefix');
    await page.getByLabel('customer_ref', { exact: true }).fill(KNOWN_PREFIX);
    await page.getByRole('button', { name: 'Search' }).click();

    // What the API answers for the same selection, with alice's own token.
    const aliceToken = await login(ALICE);
    const selection = `from=2023-03-01&to=2023-04-01&prefix%5Bcustomer_ref%5D=${KNOWN_PREFIX}`;
    const expected = (await ok(await api('GET', `/archives/orders?${selection}&limit=1000`, aliceToken))) as {
      items: Json[];
    };
    expect(expected.items.length).toBe(3);
    const openButtons = page.getByRole('button', { name: /^Open row / });
    await waitFor('the filtered rows', async () => (await openButtons.count()) === expected.items.length, 30_000, 200);
    await page.screenshot({ path: join(SCREENSHOTS, 'archive-browser.png'), fullPage: true });

    await page.getByRole('button', { name: `Open row ${KNOWN_ID}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const shown = async (column: string): Promise<string> =>
      (await dialog.locator(`pre[data-column="${column}"]`).textContent()) ?? '';
    const known = expected.items.find((item) => item.id === KNOWN_ID);
    expect(known).toBeDefined();
    await expect(shown('id')).resolves.toBe(KNOWN_ID);
    await expect(shown('created_at')).resolves.toBe(known?.created_at);
    expect(String(known?.created_at)).toContain(KNOWN_CREATED_AT.replace(' ', 'T'));
    await expect(shown('amount')).resolves.toBe(KNOWN_AMOUNT);
    await expect(shown('customer_ref')).resolves.toBe(known?.customer_ref);
    await expect(dialog.locator('[data-column-hex="fingerprint"]').textContent()).resolves.toBe(KNOWN_BYTES);
    await page.screenshot({ path: join(SCREENSHOTS, 'row-detail.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = parseCsv(readFileSync((await download.path()) ?? '', 'utf8'));
    const [header, ...records] = csv;
    expect(records.length).toBe(expected.items.length);
    for (const column of ['id', 'customer_ref', 'created_at', 'amount']) {
      const at = header.indexOf(column);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(records.map((record) => record[at]).sort()).toEqual(
        expected.items.map((item) => String(item[column])).sort(),
      );
    }

    const [jsonl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON lines' }).click(),
    ]);
    const lines = readFileSync((await jsonl.path()) ?? '', 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    const exported = lines.map((line) => JSON.parse(line) as Json);
    expect(exported.map((row) => row.id).sort()).toEqual(expected.items.map((item) => item.id).sort());
    expect(exported.find((row) => row.id === KNOWN_ID)).toEqual(known);
    await context.close();
  });

  it('an analyst without the permission sees no such table, and its URL shows a clear refusal', async () => {
    const { context, page } = await newPage();
    await logInThroughForm(page, BOB);
    const picker = page.getByLabel('Table');
    await picker.waitFor();
    const options = await picker.locator('option').allTextContents();
    expect(options.some((option) => option.startsWith('orders'))).toBe(false);

    await page.goto(`${service.url}/console/archives/orders`);
    const refusal = page.getByRole('alert').filter({ hasText: 'Not permitted' });
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toContain(
      'You are not permitted to read the archive of table “orders”',
    );
    await expect(page.getByRole('button', { name: /^Open row / }).count()).resolves.toBe(0);

    await page.goto(`${service.url}/console/dashboard`);
    await page.getByRole('alert').filter({ hasText: 'This page is for administrators.' }).waitFor();
    await context.close();
  });

  it('a wrong password is refused on the form, a bad filter value is explained, and logging out ends the token', async () => {
    const { context, page } = await newPage();
    await page.goto(`${service.url}/console/`);
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill('not-her-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    await expect(page.getByRole('button', { name: 'Log out' }).count()).resolves.toBe(0);

    await logInThroughForm(page, ALICE);
    await page.goto(`${service.url}/console/archives/orders`);
    await page.getByLabel('id', { exact: true }).fill('not-a-number');
    await page.getByRole('button', { name: 'Search' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toContain('id');

    const token = await page.evaluate<string | null>("sessionStorage.getItem('das.console.token')");
    expect(token).not.toBeNull();
    await expect(api('GET', '/auth/me', token)).resolves.toHaveProperty('status', 200);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Username').waitFor();
    await expect(page.evaluate("sessionStorage.getItem('das.console.token')")).resolves.toBeNull();
    await expect(api('GET', '/auth/me', token)).resolves.toHaveProperty('status', 401);
    await expect(context.cookies()).resolves.toEqual([]);
    await context.close();
  });

  it('the archive browser fits a phone-width screen, with less than 200 KB of script', async () => {
    const { context, page } = await newPage(390);
    const scripts: Array<Promise<number>> = [];
    page.on('response', (response) => {
      if (response.url().endsWith('.js')) {
        scripts.push(response.body().then((body) => body.length));
      }
    });
    await logInThroughForm(page, ALICE);
    await page.goto(`${service.url}/console/archives/orders?prefix%5Bcustomer_ref%5D=${KNOWN_PREFIX}`);
    await page.getByRole('button', { name: `Open row ${KNOWN_ID}` }).waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    const bytes = (await Promise.all(scripts)).reduce((sum, size) => sum + size, 0);
    expect(scripts.length).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(200 * 1024);
    await context.close();
  });

  it('the dashboard fits a phone-width screen', async () => {
    const { context, page } = await newPage(390);
    await logInThroughForm(page, ADMIN);
    await page.locator('.chart canvas').first().waitFor();
    await page.getByRole('heading', { name: 'Recent runs' }).waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });

  it('an admin dry-runs and runs an archive from the dashboard, sees its progress and the chart update', async () => {
    const { context, page } = await newPage();
    await logInThroughForm(page, ADMIN);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const archivedTotal = async (): Promise<number> =>
      Number(((await page.locator('[data-total="archived"]').textContent()) ?? '').replace(/,/g, ''));
    await page.locator('[data-total="archived"]').waitFor();
    const before = await archivedTotal();
    const ordersArchived = Number((await databases.archive<{ n: unknown }>('SELECT COUNT(*) AS n FROM orders'))[0].n);
    expect(before).toBe(ordersArchived);

    await page.getByRole('button', { name: 'Dry run archive of events' }).click();
    const dryRunId = await startedRunId(page, /^Dry run started/);
    const dryRow = page.locator(`tr[data-run-id="${dryRunId}"]`);
    await dryRow.and(page.locator('[data-status="succeeded"]')).waitFor();
    await expect(dryRow.textContent()).resolves.toContain(`would archive ${EVENTS.toLocaleString('en-US')} rows`);
    await expect(databases.archive('SELECT 1 FROM events LIMIT 1').catch(() => [])).resolves.toEqual([]);

    const policyRow = page.locator('table.policies tbody tr', { hasText: 'events' });
    await policyRow.getByText('Options').click();
    await policyRow.getByLabel('Batch size').fill('50');
    await policyRow.getByLabel('Pause between batches (ms)').fill('300');
    await page.getByRole('button', { name: 'Run archive of events', exact: true }).click();
    const runId = await startedRunId(page, /^Run started/);
    const runRow = page.locator(`tr[data-run-id="${runId}"]`);
    // Progress: the running run, polled, shows rows moved before it ends.
    await waitFor(
      'a progress count while the run is running',
      async () => {
        const rows = Number((await runRow.locator('[data-rows]').getAttribute('data-rows')) ?? 0);
        return rows > 0 && (await runRow.getAttribute('data-status')) === 'running';
      },
      60_000,
      200,
    );
    await runRow.and(page.locator('[data-status="succeeded"]')).waitFor({ timeout: 120_000 });
    // The chart's figures follow: the 90-day total now counts the events just archived.
    await waitFor(
      'the dashboard totals after the run',
      async () => (await archivedTotal()) === before + EVENTS,
      30_000,
      200,
    );
    await expect(page.locator('.chart canvas').count()).resolves.toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });

    await page
      .getByRole('link', { name: `#${runId}` })
      .first()
      .click();
    await page.getByRole('heading', { name: `Run #${runId}: archive of events` }).waitFor();
    await context.close();
  });

  it('an admin cancels a running run from the runs list, and it ends cancelled', async () => {
    const started = (await ok(
      await api('POST', '/policies/clicks/run', adminToken, {
        job: 'archive',
        batchSize: 10,
        sleepBetweenBatchesMs: 500,
      }),
      202,
    )) as Json;
    const runId = String(started.runId);
    const { context, page } = await newPage();
    await logInThroughForm(page, ADMIN);
    await page.goto(`${service.url}/console/runs`);
    await page.getByRole('button', { name: `Cancel run ${runId}` }).click();
    await waitFor(
      'the console to confirm the cancel',
      async () => (await page.getByText('Cancel requested.').count()) > 0,
      30_000,
      200,
    );
    const row = page.locator(`tr[data-run-id="${runId}"]`);
    await waitFor(
      'the cancelled run to end',
      async () => (await row.getAttribute('data-status')) !== 'running',
      60_000,
      200,
    );
    await expect(row.getAttribute('data-status')).resolves.toBe('cancelled');
    const run = (await ok(await api('GET', `/runs/${runId}`, adminToken), 200)) as Json;
    expect(run).toMatchObject({ status: 'cancelled', cancelRequestedBy: 'admin' });
    await context.close();
  });

  it("an admin sees a failed run's error on the dashboard and in the run's detail", async () => {
    // The policy was checked against the table; the table then goes away, so its next run fails.
    await databases.source('DROP TABLE doomed');
    const started = (await ok(await api('POST', '/policies/doomed/run', adminToken, { job: 'archive' }), 202)) as Json;
    const runId = String(started.runId);
    const failed = await waitFor(
      'the failed run',
      async () => {
        const run = (await ok(await api('GET', `/runs/${runId}`, adminToken))) as Json;
        return run.status === 'running' ? false : run;
      },
      60_000,
      200,
    );
    expect(failed.status).toBe('failed');
    const error = String(failed.error);
    expect(error.length).toBeGreaterThan(0);

    const { context, page } = await newPage();
    await logInThroughForm(page, ADMIN);
    const policyRow = page.locator('table.policies tbody tr', { hasText: 'doomed' });
    await policyRow.getByText(error).waitFor();
    await page.goto(`${service.url}/console/runs/${runId}`);
    const errorSection = page.getByRole('region', { name: 'Error' });
    await errorSection.waitFor();
    await expect(errorSection.locator('pre').textContent()).resolves.toBe(error);
    await context.close();
  });

  it('the screens have no WCAG 2 A/AA violation that axe-core finds', async () => {
    // bypassCSP only so that the checker's own script can be injected; the pages are as served.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const violations = async (screen: string): Promise<Array<{ screen: string; id: string; nodes: string[] }>> => {
      await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
      const result = await page.evaluate<{
        passes: unknown[];
        violations: Array<{ id: string; nodes: Array<{ target: string[] }> }>;
      }>("axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })");
      expect(result.passes.length).toBeGreaterThan(0);
      return result.violations.map((violation) => ({
        screen,
        id: violation.id,
        nodes: violation.nodes.map((node) => node.target.join(' ')),
      }));
    };
    const found = [];
    await page.goto(`${service.url}/console/`);
    await page.getByLabel('Username').waitFor();
    found.push(...(await violations('login')));

    await logInThroughForm(page, ALICE);
    await page.goto(`${service.url}/console/archives/orders?prefix%5Bcustomer_ref%5D=${KNOWN_PREFIX}`);
    await page.getByRole('button', { name: `Open row ${KNOWN_ID}` }).click();
    await page.getByRole('dialog').waitFor();
    found.push(...(await violations('archives with a row open')));
    await page
      .getByRole('button', { name: 'Log out' })
      .click({ force: true })
      .catch(() => undefined);

    await page.goto(`${service.url}/console/archives/orders`);
    await page.evaluate('sessionStorage.clear()');
    await logInThroughForm(page, ADMIN);
    await page.goto(`${service.url}/console/dashboard`);
    await page.locator('.chart canvas').first().waitFor();
    found.push(...(await violations('dashboard')));
    for (const path of ['runs', 'runs/1', 'users']) {
      await page.goto(`${service.url}/console/${path}`);
      await page.locator('main h1').waitFor();
      found.push(...(await violations(path)));
    }
    expect(found).toEqual([]);
    await context.close();
  });
});

async function startedRunId(page: Page, text: RegExp): Promise<string> {
  const status = page.getByRole('status').filter({ hasText: text });
  await status.waitFor();
  const link = (await status.getByRole('link').textContent()) ?? '';
  expect(link).toMatch(/^#\d+$/);
  return link.slice(1);
}

/** Source tables: `orders` (values JavaScript cannot hold as numbers) and `events` (rows to archive from the dashboard). */
async function seedSource(databases: TestDatabases): Promise<void> {
  await databases.source(`CREATE TABLE orders (
    id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    customer_ref VARCHAR(32) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    amount DECIMAL(20,6) NOT NULL,
    attributes JSON NULL,
    fingerprint VARBINARY(16) NULL,
    KEY orders_created_at (created_at)
  )`);
  const rows: unknown[][] = [];
  for (let index = 0; index < 60; index++) {
    const id = (BigInt(KNOWN_ID) - 43n + BigInt(index)).toString();
    const known = id === KNOWN_ID;
    const ref = known
      ? `${KNOWN_PREFIX}-A`
      : index === 10
        ? `${KNOWN_PREFIX}-B`
        : index === 50
          ? `${KNOWN_PREFIX}-C`
          : `CUST-${index % 7}`;
    const day = String(1 + (index % 28)).padStart(2, '0');
    const createdAt = known ? KNOWN_CREATED_AT : `2023-03-${day} 10:00:00.${String(index * 1013).padStart(6, '0')}`;
    const amount = known ? KNOWN_AMOUNT : `${index}.250000`;
    rows.push([
      id,
      ref,
      createdAt,
      amount,
      JSON.stringify({ index, tags: ['a', 'b'] }),
      Buffer.from(known ? KNOWN_BYTES : '0102', 'hex'),
    ]);
  }
  await databases.source(
    'INSERT INTO orders (id, customer_ref, created_at, amount, attributes, fingerprint) VALUES ?',
    [rows],
  );
  await databases.source(`CREATE TABLE events (
    id INT NOT NULL PRIMARY KEY,
    kind VARCHAR(16) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    KEY events_created_at (created_at)
  )`);
  const events: unknown[][] = [];
  for (let index = 1; index <= EVENTS; index++) {
    events.push([index, index % 2 === 0 ? 'click' : 'view', `2022-0${1 + (index % 9)}-15 12:00:00.000001`]);
  }
  await databases.source('INSERT INTO events (id, kind, created_at) VALUES ?', [events]);
  await databases.source('CREATE TABLE doomed (id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL)');
  await databases.source(
    'CREATE TABLE clicks (id INT NOT NULL PRIMARY KEY, created_at DATETIME NOT NULL, KEY clicks_created_at (created_at))',
  );
  await databases.source('INSERT INTO clicks (id, created_at) VALUES ?', [
    events.map((event) => [event[0], '2022-05-01 00:00:00']),
  ]);
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') {
        index++;
      }
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
