// Keeps a view's state and the address in step, both ways: a change the user makes is written to the
// address (a history entry, or a quiet replace for the names in `transient`: text being typed, a slider
// being dragged); back and forward hand the address's params back to the view. Call while a component
// initialises: it owns two effects.
import { untrack } from 'svelte';
import type { Router } from './router.svelte.js';
import type { Params, Route } from './routes.js';

export interface UrlSyncOptions {
  /** The route this view shows with the given params (its identity unchanged). */
  withParams: (params: Params) => Route;
  /** The route's params when the router shows this view, else null (another view is up). */
  paramsOf: (route: Route) => Params | null;
  /** The view state as params (tracked: read inside an effect). */
  read: () => Params;
  /** Puts params from the address into the view state. */
  apply: (params: Params) => void;
  /** Params whose change alone replaces the address instead of adding a history entry. */
  transient?: readonly string[];
}

/** The names whose values differ between two sets of params (a missing name counts as ""). */
export function changedNames(a: Params, b: Params): string[] {
  const names = [...Object.keys(a), ...Object.keys(b)];
  return names.filter((name, i) => names.indexOf(name) === i && (a[name] ?? '') !== (b[name] ?? ''));
}

export function same(a: Params, b: Params): boolean {
  return changedNames(a, b).length === 0;
}

export function syncWithUrl(router: Router, options: UrlSyncOptions): void {
  const transient = options.transient ?? [];
  // Address -> state: back, forward, a pasted link.
  $effect(() => {
    const params = options.paramsOf(router.route);
    if (params === null) return;
    untrack(() => {
      if (!same(params, options.read())) options.apply(params);
    });
  });
  // State -> address.
  $effect(() => {
    const params = options.read();
    untrack(() => {
      const current = options.paramsOf(router.route);
      if (current === null || same(current, params)) return;
      const changed = changedNames(current, params);
      router.update(
        options.withParams(params),
        changed.some((key) => !transient.includes(key)),
      );
    });
  });
}
