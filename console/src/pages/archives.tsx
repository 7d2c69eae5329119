import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, describeError, download, getJson } from '../api';
import { ErrorMessage, Refusal, Status } from '../components';
import { base64ToHex, exactText, isBinaryType, preview } from '../format';
import { navigate } from '../router';
import type { ArchiveColumn, ArchiveColumns, ArchivePage, ArchiveTable, FilterKind, Me, Row } from '../types';

const PAGE_SIZE = 50;
const FILTER_PARAM = /^(filter|prefix)\[(.+)\]$/;

/** The API's selection parameters (from, to, connection, filter[c], prefix[c]) as the console URL holds them. */
function selectionParams(search: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of search) {
    if (value !== '' && (key === 'from' || key === 'to' || key === 'connection' || FILTER_PARAM.test(key))) {
      params.append(key, value);
    }
  }
  return params;
}

function tablePath(table: string): string {
  return `/archives/${encodeURIComponent(table)}`;
}

export function ArchivesPage({ me, table, search }: { me: Me; table: string | null; search: URLSearchParams }) {
  const [tables, setTables] = useState<ArchiveTable[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const connection = search.get('connection') ?? '';

  useEffect(() => {
    getJson<ArchiveTable[]>('/archives').then(setTables, (caught) => setError(describeError(caught)));
  }, []);

  const choose = (value: string): void => {
    if (value === '') {
      navigate('/archives');
      return;
    }
    const chosen = tables?.[Number(value)];
    if (chosen) {
      const multiple = (tables ?? []).filter((entry) => entry.tableName === chosen.tableName).length > 1;
      navigate(
        `${tablePath(chosen.tableName)}${multiple ? `?connection=${encodeURIComponent(chosen.connection)}` : ''}`,
      );
    }
  };
  const selectedIndex =
    tables?.findIndex((entry) => entry.tableName === table && (connection === '' || entry.connection === connection)) ??
    -1;

  return (
    <>
      <h1>Archives</h1>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {tables && (
        <div class="picker">
          <label for="table-picker">Table</label>
          <select
            id="table-picker"
            value={selectedIndex >= 0 ? String(selectedIndex) : ''}
            onChange={(event) => choose(event.currentTarget.value)}
          >
            <option value="">Choose a table…</option>
            {tables.map((entry, index) => (
              <option key={`${entry.connection}/${entry.tableName}`} value={String(index)}>
                {entry.tableName} ({entry.connection})
              </option>
            ))}
          </select>
          {tables.length === 0 && (
            <p class="hint">
              {me.role === 'admin'
                ? 'Nothing is archived yet.'
                : 'No archived table is open to you. An administrator can grant you tables.'}
            </p>
          )}
        </div>
      )}
      {table !== null && <TableBrowser table={table} search={search} />}
    </>
  );
}

function TableBrowser({ table, search }: { table: string; search: URLSearchParams }) {
  const [schema, setSchema] = useState<ArchiveColumns | null>(null);
  const [refusal, setRefusal] = useState<{ title: string; what: string } | null>(null);
  const selection = selectionParams(search);
  const selectionKey = selection.toString();
  const connection = search.get('connection') ?? '';

  useEffect(() => {
    setSchema(null);
    setRefusal(null);
    const at = connection ? `?connection=${encodeURIComponent(connection)}` : '';
    getJson<ArchiveColumns>(`${tablePath(table)}/columns${at}`).then(setSchema, (caught) => {
      if (caught instanceof ApiError && caught.status === 403) {
        setRefusal({
          title: 'Not permitted',
          what: `You are not permitted to read the archive of table “${table}”. Ask an administrator to grant it to you.`,
        });
      } else if (caught instanceof ApiError && caught.status === 404) {
        setRefusal({ title: 'Not found', what: `There is no archive of table “${table}”. ${caught.message}` });
      } else {
        setRefusal({ title: 'Cannot open this table', what: describeError(caught) });
      }
    });
  }, [table, connection]);

  if (refusal) {
    return <Refusal title={refusal.title} what={refusal.what} />;
  }
  if (!schema) {
    return <p class="loading">Loading {table}…</p>;
  }
  return (
    <>
      <FilterForm key={selectionKey} schema={schema} selection={selection} />
      <Results key={selectionKey} schema={schema} selection={selection} />
    </>
  );
}

function FilterForm({ schema, selection }: { schema: ArchiveColumns; selection: URLSearchParams }) {
  // The date column has its own range (from/before) above.
  const filterable = schema.columns.filter((column) => column.filters.length > 0 && column.name !== schema.dateColumn);
  const [from, setFrom] = useState(selection.get('from') ?? '');
  const [to, setTo] = useState(selection.get('to') ?? '');
  const initial: Record<string, { kind: FilterKind; value: string }> = {};
  for (const column of filterable) {
    const prefix = selection.get(`prefix[${column.name}]`);
    initial[column.name] =
      prefix !== null
        ? { kind: 'prefix', value: prefix }
        : { kind: 'eq', value: selection.get(`filter[${column.name}]`) ?? '' };
  }
  const [filters, setFilters] = useState(initial);

  const submit = (event: Event): void => {
    event.preventDefault();
    const params = new URLSearchParams();
    const connection = selection.get('connection');
    if (connection) {
      params.set('connection', connection);
    }
    if (from) {
      params.set('from', from);
    }
    if (to) {
      params.set('to', to);
    }
    for (const [name, filter] of Object.entries(filters)) {
      if (filter.value !== '') {
        params.set(`${filter.kind === 'prefix' ? 'prefix' : 'filter'}[${name}]`, filter.value);
      }
    }
    const text = params.toString();
    navigate(`${tablePath(schema.tableName)}${text ? `?${text}` : ''}`);
  };

  return (
    <form class="filters card" onSubmit={submit} aria-label={`Filter the archive of ${schema.tableName}`}>
      <div class="field">
        <label for="from">
          {schema.dateColumn} from <span class="hint">(inclusive)</span>
        </label>
        <input id="from" type="date" value={from} onInput={(event) => setFrom(event.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="to">
          {schema.dateColumn} before <span class="hint">(exclusive)</span>
        </label>
        <input id="to" type="date" value={to} onInput={(event) => setTo(event.currentTarget.value)} />
      </div>
      {filterable.map((column) => (
        <ColumnFilter
          key={column.name}
          column={column}
          value={filters[column.name]}
          onChange={(next) => setFilters({ ...filters, [column.name]: next })}
        />
      ))}
      <div class="actions">
        <button type="submit">Search</button>
        <button
          type="button"
          class="secondary"
          onClick={() => navigate(tablePath(schema.tableName) + connectionQuery(selection))}
        >
          Clear
        </button>
      </div>
      {filterable.length === 0 && <p class="hint">No indexed column to filter on besides the date.</p>}
    </form>
  );
}

function connectionQuery(selection: URLSearchParams): string {
  const connection = selection.get('connection');
  return connection ? `?connection=${encodeURIComponent(connection)}` : '';
}

function ColumnFilter({
  column,
  value,
  onChange,
}: {
  column: ArchiveColumn;
  value: { kind: FilterKind; value: string };
  onChange: (next: { kind: FilterKind; value: string }) => void;
}) {
  const id = `filter-${column.name}`;
  return (
    <div class="field">
      <label for={id}>{column.name}</label>
      <div class="inline">
        {column.filters.length > 1 && (
          <select
            aria-label={`How ${column.name} matches`}
            value={value.kind}
            onChange={(event) => onChange({ ...value, kind: event.currentTarget.value as FilterKind })}
          >
            <option value="eq">equals</option>
            <option value="prefix">starts with</option>
          </select>
        )}
        <input
          id={id}
          value={value.value}
          placeholder={column.filters.length === 1 && column.filters[0] === 'prefix' ? 'starts with…' : 'equals…'}
          onInput={(event) =>
            onChange({
              kind: column.filters.length === 1 ? column.filters[0] : value.kind,
              value: event.currentTarget.value,
            })
          }
        />
      </div>
    </div>
  );
}

function Results({ schema, selection }: { schema: ArchiveColumns; selection: URLSearchParams }) {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [page, setPage] = useState<ArchivePage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const [open, setOpen] = useState<Row | null>(null);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    const params = new URLSearchParams(selection);
    params.set('limit', String(PAGE_SIZE));
    if (cursor) {
      params.set('cursor', cursor);
    }
    setError(null);
    getJson<ArchivePage>(`${tablePath(schema.tableName)}?${params.toString()}`).then(setPage, (caught) =>
      setError(describeError(caught)),
    );
  }, [cursor]);

  const exportAs = async (format: 'csv' | 'jsonl'): Promise<void> => {
    const params = new URLSearchParams(selection);
    params.set('format', format);
    setExporting(`Exporting ${format.toUpperCase()}…`);
    try {
      await download(`${tablePath(schema.tableName)}/export?${params.toString()}`, `${schema.tableName}.${format}`);
      setExporting(`${format.toUpperCase()} export downloaded.`);
    } catch (caught) {
      setExporting(`Export failed: ${describeError(caught)}`);
    }
  };

  const key = schema.primaryKey.length > 0 ? schema.primaryKey : [schema.columns[0]?.name ?? ''];
  return (
    <section aria-labelledby="results-title">
      <div class="toolbar">
        <h2 id="results-title">
          Rows of {schema.tableName} <span class="hint">({schema.connection})</span>
        </h2>
        <div class="actions">
          <button type="button" class="secondary" onClick={() => void exportAs('csv')}>
            Export CSV
          </button>
          <button type="button" class="secondary" onClick={() => void exportAs('jsonl')}>
            Export JSON lines
          </button>
        </div>
      </div>
      {exporting && <Status>{exporting}</Status>}
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {page && page.items.length === 0 && <p>No archived row matches.</p>}
      {page && page.items.length > 0 && (
        <div class="scroll" tabIndex={0} role="region" aria-label="Archived rows">
          <table class="rows">
            <thead>
              <tr>
                <th scope="col">
                  <span class="visually-hidden">Open</span>
                </th>
                {schema.columns.map((column) => (
                  <th scope="col" key={column.name}>
                    {column.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.items.map((row, index) => {
                const label = key.map((name) => exactText(row[name])).join(', ');
                return (
                  <tr key={`${label}-${index}`}>
                    <td>
                      <button type="button" class="link" onClick={() => setOpen(row)} aria-label={`Open row ${label}`}>
                        Open
                      </button>
                    </td>
                    {schema.columns.map((column) => (
                      <td key={column.name} class={row[column.name] === null ? 'null' : undefined}>
                        {preview(row[column.name])}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages">
        <button type="button" class="secondary" disabled={cursors.length <= 1} onClick={() => setCursors([null])}>
          First page
        </button>
        <button
          type="button"
          class="secondary"
          disabled={cursors.length <= 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </button>
        <span>Page {cursors.length}</span>
        <button
          type="button"
          class="secondary"
          disabled={!page?.nextCursor}
          onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
        >
          Next page
        </button>
      </nav>
      {open && <RowDetail schema={schema} row={open} onClose={() => setOpen(null)} />}
    </section>
  );
}

/** Every column of one row, exactly as the API returned it (BIGINT and DECIMAL as strings, binary as base64 and hex). */
function RowDetail({ schema, row, onClose }: { schema: ArchiveColumns; row: Row; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const known = new Set(schema.columns.map((column) => column.name));
  const extra = Object.keys(row).filter((name) => !known.has(name));
  return (
    <dialog ref={dialog} class="detail" aria-labelledby="detail-title" onClose={onClose}>
      <div class="toolbar">
        <h2 id="detail-title">Row of {schema.tableName}</h2>
        <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      <table class="fields">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {schema.columns.map((column) => (
            <FieldRow key={column.name} name={column.name} type={column.type} value={row[column.name]} />
          ))}
          {extra.map((name) => (
            <FieldRow key={name} name={name} type="" value={row[name]} />
          ))}
        </tbody>
      </table>
    </dialog>
  );
}

function FieldRow({ name, type, value }: { name: string; type: string; value: unknown }) {
  const hex = isBinaryType(type) ? base64ToHex(value) : null;
  return (
    <tr>
      <th scope="row">{name}</th>
      <td class="type">{type}</td>
      <td>
        <pre class={value === null ? 'value null' : 'value'} data-column={name}>
          {exactText(value)}
        </pre>
        {hex !== null && (
          <p class="hint">
            hex: <code data-column-hex={name}>{hex}</code>
          </p>
        )}
      </td>
    </tr>
  );
}
