import { useState } from 'preact/hooks';
import { ApiError, describeError, getJson, postJson, query } from '../api';
import { DailyChart } from '../charts';
import { ErrorMessage, Status, StatusBadge } from '../components';
import { count, dateTime, duration } from '../format';
import { usePoll } from '../poll';
import { BASE, linkClick } from '../router';
import type { Dashboard, DashboardPolicy, Run, User } from '../types';

/** Admin screens: loaded only for admins (the API refuses these routes to anyone else anyway). */

const DAYS = 90;
const FAST_POLL_MS = 1_000;
const SLOW_POLL_MS = 10_000;

/** Set once the server answers that POST /runs/{id}/cancel does not exist: the buttons go away. */
let cancelUnsupported = false;

function RunLink({ id }: { id: number }) {
  return (
    <a href={`${BASE}/runs/${id}`} onClick={linkClick}>
      #{id}
    </a>
  );
}

export function DashboardPage() {
  const [dashboard, setDashboard] = useState<Dashboard | null>(null);
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = usePoll(
    async () => {
      // Each part shows what it can: a failing dashboard read still leaves the runs list live.
      const [nextDashboard, nextRuns] = await Promise.allSettled([
        getJson<Dashboard>(`/dashboard?days=${DAYS}`),
        getJson<Run[]>('/runs?limit=20'),
      ]);
      if (nextDashboard.status === 'fulfilled') {
        setDashboard(nextDashboard.value);
      }
      if (nextRuns.status === 'fulfilled') {
        setRuns(nextRuns.value);
      }
      const failed = [nextDashboard, nextRuns].find((result) => result.status === 'rejected');
      setError(failed ? describeError(failed.reason) : null);
      return nextRuns.status === 'fulfilled' && nextRuns.value.some((run) => run.status === 'running');
    },
    (running) => (running ? FAST_POLL_MS : SLOW_POLL_MS),
    [],
  );

  return (
    <>
      <h1>Dashboard</h1>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {dashboard === null ? (
        !error && <p class="loading">Loading…</p>
      ) : (
        <>
          <PoliciesTable policies={dashboard.policies} onStarted={refresh} />
          <Activity dashboard={dashboard} />
        </>
      )}
      <section aria-labelledby="recent-runs">
        <h2 id="recent-runs">Recent runs</h2>
        {runs && <RunsTable runs={runs} onChanged={refresh} />}
        <p>
          <a href={`${BASE}/runs`} onClick={linkClick}>
            All runs
          </a>
        </p>
      </section>
    </>
  );
}

function PoliciesTable({ policies, onStarted }: { policies: DashboardPolicy[]; onStarted: () => void }) {
  if (policies.length === 0) {
    return <p>No policy yet: create one through the API (POST /api/v1/policies) or the CLI.</p>;
  }
  return (
    <section aria-labelledby="policies-title">
      <h2 id="policies-title">Policies</h2>
      <div class="scroll" tabIndex={0} role="region" aria-label="Policies">
        <table class="policies">
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col">Enabled</th>
              <th scope="col">Last run</th>
              <th scope="col">Last success</th>
              <th scope="col">Backlog</th>
              <th scope="col">Start a run</th>
            </tr>
          </thead>
          <tbody>
            {policies.map((policy) => (
              <PolicyRow key={`${policy.sourceConnection}/${policy.tableName}`} policy={policy} onStarted={onStarted} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function PolicyRow({ policy, onStarted }: { policy: DashboardPolicy; onStarted: () => void }) {
  const [job, setJob] = useState<'archive' | 'purge'>('archive');
  const [batchSize, setBatchSize] = useState('');
  const [pauseMs, setPauseMs] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean; runId?: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `${policy.sourceConnection}-${policy.tableName}`.replace(/[^\w-]/g, '_');

  const start = async (dryRun: boolean): Promise<void> => {
    setBusy(true);
    setMessage(null);
    try {
      const body: Record<string, unknown> = { job, dryRun };
      if (batchSize !== '') {
        body.batchSize = Number(batchSize);
      }
      if (pauseMs !== '') {
        body.sleepBetweenBatchesMs = Number(pauseMs);
      }
      const answer = await postJson<{ runId: number }>(
        `/policies/${encodeURIComponent(policy.tableName)}/run${query({ connection: policy.sourceConnection })}`,
        body,
      );
      setMessage({ text: `${dryRun ? 'Dry run' : 'Run'} started`, error: false, runId: answer?.runId });
      onStarted();
    } catch (caught) {
      setMessage({ text: describeError(caught), error: true });
    } finally {
      setBusy(false);
    }
  };

  const last = policy.lastRun;
  return (
    <tr>
      <th scope="row">
        {policy.tableName}
        <div class="hint">
          {policy.sourceConnection} → {policy.archiveConnection}
        </div>
      </th>
      <td>{policy.enabled ? 'yes' : <strong>no</strong>}</td>
      <td>
        {last ? (
          <>
            <RunLink id={last.id} /> {last.job} <StatusBadge status={last.status} />
            <div class="hint">{dateTime(last.startedAt)}</div>
            {last.error && <div class="error-text">{last.error}</div>}
          </>
        ) : (
          'never'
        )}
      </td>
      <td>{dateTime(policy.lastSuccessAt)}</td>
      <td>
        {policy.backlog ? (
          <>
            {policy.backlog.capped ? 'at least ' : ''}
            {count(policy.backlog.rows)} rows
            <div class="hint">as of {dateTime(policy.backlog.sampledAt)}</div>
          </>
        ) : (
          'unknown'
        )}
      </td>
      <td class="run-controls">
        <div class="inline">
          <label for={`job-${id}`} class="visually-hidden">
            Job for {policy.tableName}
          </label>
          <select
            id={`job-${id}`}
            value={job}
            onChange={(event) => setJob(event.currentTarget.value as 'archive' | 'purge')}
          >
            <option value="archive">archive</option>
            <option value="purge">purge</option>
          </select>
          <button
            type="button"
            disabled={busy}
            onClick={() => void start(false)}
            aria-label={`Run ${job} of ${policy.tableName}`}
          >
            Run
          </button>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => void start(true)}
            aria-label={`Dry run ${job} of ${policy.tableName}`}
          >
            Dry run
          </button>
        </div>
        <details>
          <summary>Options</summary>
          <label for={`batch-${id}`}>Batch size</label>
          <input
            id={`batch-${id}`}
            type="number"
            min={1}
            inputMode="numeric"
            value={batchSize}
            placeholder="policy default"
            onInput={(event) => setBatchSize(event.currentTarget.value)}
          />
          <label for={`pause-${id}`}>Pause between batches (ms)</label>
          <input
            id={`pause-${id}`}
            type="number"
            min={0}
            inputMode="numeric"
            value={pauseMs}
            placeholder="0"
            onInput={(event) => setPauseMs(event.currentTarget.value)}
          />
        </details>
        {message &&
          (message.error ? (
            <ErrorMessage>{message.text}</ErrorMessage>
          ) : (
            <Status>
              {message.text}
              {message.runId !== undefined && (
                <>
                  : <RunLink id={message.runId} />
                </>
              )}
            </Status>
          ))}
      </td>
    </tr>
  );
}

function Activity({ dashboard }: { dashboard: Dashboard }) {
  const daily = dashboard.daily;
  const days = daily.map((day) => day.day);
  const totals = daily.reduce(
    (sum, day) => ({
      archived: sum.archived + day.rowsArchived,
      purged: sum.purged + day.rowsPurged,
      runs: sum.runs + day.runs,
      failed: sum.failed + day.failedRuns,
    }),
    { archived: 0, purged: 0, runs: 0, failed: 0 },
  );
  const seconds = (value: number | null): number | null => (value === null ? null : value / 1000);
  return (
    <section aria-labelledby="activity-title">
      <h2 id="activity-title">Last {DAYS} days</h2>
      <dl class="totals" aria-label={`Totals of the last ${DAYS} days`}>
        <div>
          <dt>Rows archived</dt>
          <dd data-total="archived">{count(totals.archived)}</dd>
        </div>
        <div>
          <dt>Rows purged</dt>
          <dd data-total="purged">{count(totals.purged)}</dd>
        </div>
        <div>
          <dt>Runs</dt>
          <dd data-total="runs">{count(totals.runs)}</dd>
        </div>
        <div>
          <dt>Failed runs</dt>
          <dd data-total="failed">{count(totals.failed)}</dd>
        </div>
      </dl>
      <div class="charts">
        <DailyChart
          title="Rows archived and purged per day"
          unit="rows"
          days={days}
          series={[
            { label: 'archived', values: daily.map((day) => day.rowsArchived), color: '#1f5fa8' },
            { label: 'purged', values: daily.map((day) => day.rowsPurged), color: '#a8461f', dash: [6, 4] },
          ]}
        />
        <DailyChart
          title="Run duration per day"
          unit="seconds"
          days={days}
          series={[
            { label: 'average', values: daily.map((day) => seconds(day.avgDurationMs)), color: '#2b7a3d' },
            {
              label: 'longest',
              values: daily.map((day) => seconds(day.maxDurationMs)),
              color: '#6b3fa0',
              dash: [6, 4],
            },
          ]}
        />
      </div>
      <details>
        <summary>The figures as a table (days with runs)</summary>
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Rows archived</th>
                <th scope="col">Rows purged</th>
                <th scope="col">Runs</th>
                <th scope="col">Failed</th>
                <th scope="col">Average duration (ms)</th>
                <th scope="col">Longest (ms)</th>
              </tr>
            </thead>
            <tbody>
              {daily
                .filter((day) => day.runs > 0)
                .map((day) => (
                  <tr key={day.day}>
                    <th scope="row">{day.day}</th>
                    <td>{count(day.rowsArchived)}</td>
                    <td>{count(day.rowsPurged)}</td>
                    <td>{day.runs}</td>
                    <td>{day.failedRuns}</td>
                    <td>{day.avgDurationMs ?? '—'}</td>
                    <td>{day.maxDurationMs ?? '—'}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

function CancelButton({ run, onChanged }: { run: Run; onChanged: () => void }) {
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (run.status !== 'running' || (cancelUnsupported && message === null)) {
    return null;
  }
  const cancel = async (): Promise<void> => {
    setBusy(true);
    try {
      await postJson(`/runs/${run.id}/cancel`);
      setMessage('Cancel requested.');
      onChanged();
    } catch (caught) {
      if (caught instanceof ApiError && caught.routeMissing) {
        cancelUnsupported = true;
        setMessage('Cancelling runs is not available on this server.');
      } else {
        setMessage(describeError(caught));
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {!cancelUnsupported && (
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={() => void cancel()}
          aria-label={`Cancel run ${run.id}`}
        >
          Cancel
        </button>
      )}
      {message && <Status>{message}</Status>}
    </>
  );
}

function RunsTable({ runs, onChanged }: { runs: Run[]; onChanged: () => void }) {
  if (runs.length === 0) {
    return <p>No run yet.</p>;
  }
  return (
    <div class="scroll" tabIndex={0} role="region" aria-label="Runs">
      <table class="runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Table</th>
            <th scope="col">Job</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run-id={run.id} data-status={run.status}>
              <th scope="row">
                <RunLink id={run.id} />
              </th>
              <td>{run.tableName}</td>
              <td>{run.job}</td>
              <td>
                <StatusBadge status={run.status} dryRun={run.dryRun} />
              </td>
              <td class="progress">
                <Progress run={run} />
              </td>
              <td>{dateTime(run.startedAt)}</td>
              <td>{duration(run.startedAt, run.finishedAt)}</td>
              <td>
                <CancelButton run={run} onChanged={onChanged} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Progress({ run }: { run: Run }) {
  const purge = run.job === 'purge';
  if (run.dryRun) {
    // A dry run changes nothing: what it found is in its details (rowsToArchive / rowsToPurge).
    const found = run.details?.[purge ? 'rowsToPurge' : 'rowsToArchive'];
    return (
      <span data-rows={typeof found === 'number' ? found : 0}>
        {typeof found === 'number'
          ? `would ${purge ? 'purge' : 'archive'} ${count(found)} rows`
          : run.status === 'running'
            ? 'counting…'
            : 'nothing counted'}
        {run.status === 'running' && <span class="spinner" aria-hidden="true" />}
      </span>
    );
  }
  const rows = purge ? run.rowsPurged : run.rowsArchived;
  return (
    <span data-rows={rows}>
      {`${count(rows)} rows ${purge ? 'purged' : 'archived'}, ${count(run.batches)} ${run.batches === 1 ? 'batch' : 'batches'}`}
      {run.status === 'running' && <span class="spinner" aria-hidden="true" />}
    </span>
  );
}

export function RunsPage() {
  const [status, setStatus] = useState('');
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = usePoll(
    async () => {
      try {
        const next = await getJson<Run[]>(`/runs${query({ limit: 100, status })}`);
        setRuns(next);
        setError(null);
        return next.some((run) => run.status === 'running');
      } catch (caught) {
        setError(describeError(caught));
        throw caught;
      }
    },
    (running) => (running ? FAST_POLL_MS : SLOW_POLL_MS),
    [status],
  );
  return (
    <>
      <h1>Runs</h1>
      <div class="picker">
        <label for="status-filter">Status</label>
        <select id="status-filter" value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
          <option value="">any</option>
          {['running', 'succeeded', 'failed', 'skipped', 'stopped', 'cancelled'].map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </div>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {runs ? <RunsTable runs={runs} onChanged={refresh} /> : <p class="loading">Loading…</p>}
    </>
  );
}

export function RunPage({ id }: { id: number }) {
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = usePoll(
    async () => {
      try {
        const next = await getJson<Run>(`/runs/${id}`);
        setRun(next);
        setError(null);
        return next.status === 'running';
      } catch (caught) {
        setError(describeError(caught));
        throw caught;
      }
    },
    (running) => (running ? FAST_POLL_MS : null),
    [id],
  );
  if (error && !run) {
    return <ErrorMessage>{error}</ErrorMessage>;
  }
  if (!run) {
    return <p class="loading">Loading…</p>;
  }
  return (
    <>
      <h1>
        Run #{run.id}: {run.job} of {run.tableName}
      </h1>
      <p>
        <StatusBadge status={run.status} dryRun={run.dryRun} /> <CancelButton run={run} onChanged={refresh} />
      </p>
      {run.error && (
        <section class="run-error" aria-labelledby="run-error-title">
          <h2 id="run-error-title">Error</h2>
          <pre>{run.error}</pre>
        </section>
      )}
      <dl class="run-fields">
        <dt>Progress</dt>
        <dd>
          <Progress run={run} />
        </dd>
        <dt>Connections</dt>
        <dd>
          {run.sourceConnection} → {run.archiveConnection}
        </dd>
        <dt>Trigger</dt>
        <dd>
          {run.trigger}
          {run.requestedBy ? ` by ${run.requestedBy}` : ''}
        </dd>
        <dt>Started</dt>
        <dd>{dateTime(run.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{dateTime(run.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd>{duration(run.startedAt, run.finishedAt)}</dd>
        <dt>Rows archived</dt>
        <dd>{count(run.rowsArchived)}</dd>
        <dt>Rows purged</dt>
        <dd>{count(run.rowsPurged)}</dd>
        <dt>Batches</dt>
        <dd>{count(run.batches)}</dd>
      </dl>
      {run.details && (
        <details open>
          <summary>Details</summary>
          <pre class="value">{JSON.stringify(run.details, null, 2)}</pre>
        </details>
      )}
      <p>
        <a href={`${BASE}/runs`} onClick={linkClick}>
          All runs
        </a>
      </p>
    </>
  );
}

export function UsersPage() {
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  usePoll(
    async () => {
      try {
        setUsers(await getJson<User[]>('/users'));
      } catch (caught) {
        setError(describeError(caught));
      }
    },
    () => null,
    [],
  );
  return (
    <>
      <h1>Users</h1>
      <p class="hint">
        Table permissions are granted with PUT /api/v1/users/&#123;username&#125;/permissions or the CLI.
      </p>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {users && (
        <div class="scroll" tabIndex={0} role="region" aria-label="Users">
          <table>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                <th scope="col">Tables permitted</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id}>
                  <th scope="row">{user.username}</th>
                  <td>{user.role}</td>
                  <td>{user.disabled ? 'disabled' : 'active'}</td>
                  <td>
                    {user.role === 'admin'
                      ? 'all (admin)'
                      : user.permissions.length === 0
                        ? 'none'
                        : user.permissions.join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
