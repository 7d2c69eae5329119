/** The REST API, same origin, with the session's bearer token. Every call has a deadline. */

const TOKEN_KEY = 'das.console.token';
const REQUEST_TIMEOUT_MS = 30_000;
const EXPORT_TIMEOUT_MS = 10 * 60_000;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Nest's "Cannot POST /api/v1/…": the route itself does not exist on this server. */
    readonly routeMissing = false,
  ) {
    super(message);
  }
}

let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let onSessionEnded: (() => void) | undefined;

/** Kept for this tab only (sessionStorage), never in a cookie. */
export function setToken(value: string | null): void {
  token = value;
  if (value === null) {
    sessionStorage.removeItem(TOKEN_KEY);
  } else {
    sessionStorage.setItem(TOKEN_KEY, value);
  }
}

export function hasToken(): boolean {
  return token !== null;
}

/** Called when the API refuses the token (expired, revoked): the app goes back to the login form. */
export function whenSessionEnds(callback: () => void): void {
  onSessionEnded = callback;
}

async function send(path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init.body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (token !== null) {
    headers.Authorization = `Bearer ${token}`;
  }
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    throw new ApiError(0, timedOut ? 'The server did not answer in time.' : 'The server cannot be reached.');
  }
  if (response.ok) {
    return response;
  }
  const body = (await response.json().catch(() => null)) as { message?: unknown } | null;
  const raw = body?.message;
  const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : response.statusText;
  if (response.status === 401 && token !== null && !path.startsWith('/auth/login')) {
    setToken(null);
    onSessionEnded?.();
  }
  throw new ApiError(response.status, message, response.status === 404 && /^Cannot [A-Z]+ \//.test(message));
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await send(path, { method: 'GET' }, REQUEST_TIMEOUT_MS)).json()) as T;
}

export async function postJson<T>(path: string, body?: unknown): Promise<T | undefined> {
  const response = await send(
    path,
    { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) },
    REQUEST_TIMEOUT_MS,
  );
  return response.status === 204 ? undefined : ((await response.json().catch(() => undefined)) as T | undefined);
}

/**
 * Downloads an export: a plain link cannot carry the Authorization header, so the file is fetched
 * and handed to the browser as a Blob.
 */
export async function download(path: string, fileName: string): Promise<void> {
  const response = await send(path, { method: 'GET' }, EXPORT_TIMEOUT_MS);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `?a=1&b=2` from the defined, non-empty entries. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
