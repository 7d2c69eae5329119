import { useEffect, useState } from 'preact/hooks';

/** The console's base path; the server answers index.html for every path under it. */
export const BASE = '/console';

export interface Location {
  /** The path below /console, e.g. `/archives/orders`. */
  path: string;
  search: URLSearchParams;
}

function current(): Location {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) || '/' : '/';
  return { path, search: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((listener) => listener()));

/** Goes to a console path (`/runs/3`, `/archives/orders?from=…`), adding a history entry. */
export function navigate(to: string, replace = false): void {
  const url = `${BASE}${to}`;
  if (replace) {
    window.history.replaceState(null, '', url);
  } else {
    window.history.pushState(null, '', url);
  }
  listeners.forEach((listener) => listener());
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const listener = (): void => setLocation(current());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return location;
}

/** Click handler for in-app links: plain clicks navigate without reloading, others (new tab) do as usual. */
export function linkClick(event: MouseEvent): void {
  const anchor = event.currentTarget as HTMLAnchorElement;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  event.preventDefault();
  navigate(anchor.pathname.slice(BASE.length) + anchor.search);
}
