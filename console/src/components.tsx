import type { ComponentChildren } from 'preact';

/** A refused or missing page: said plainly, announced to screen readers. */
export function Refusal({ what, title = 'Not permitted' }: { what: string; title?: string }) {
  return (
    <section class="refusal" role="alert">
      <h1>{title}</h1>
      <p>{what}</p>
    </section>
  );
}

export function ErrorMessage({ children }: { children: ComponentChildren }) {
  return (
    <p class="error" role="alert">
      {children}
    </p>
  );
}

/** A polite live region: changes are read out without moving focus. */
export function Status({ children }: { children: ComponentChildren }) {
  return (
    <p class="status" role="status" aria-live="polite">
      {children}
    </p>
  );
}

export function StatusBadge({ status, dryRun }: { status: string; dryRun?: boolean }) {
  return (
    <span class={`run-status run-${status}`}>
      {status}
      {dryRun ? ' (dry run)' : ''}
    </span>
  );
}
