// Hash routes (#/runs, #/new, #/run/<id>, #/compare?ids=a,b): hashes work from file:// in Electron and
// behind `raptr serve` alike, with no server-side routing. A compare link can also carry its view
// (&x=step&key=eval/poly/err_deg4&at=0.1&logy=1&smooth=0), so it can be shared and the studies
// (`raptr repro`) can open exactly the chart they report. The runs table and the run page keep their view
// state (sort, filters, columns, grouping; each chart's axis and scale, smoothing) in `params`, so a link or
// the back button brings the same view back.
import { X_AXES, type XAxis } from '../../../shared/api-types.js';

export interface CompareOptions {
  xAxis?: XAxis;
  /** The eval metric to compare (default: the first run's held-out loss). */
  key?: string;
  /** The target loss for "FLOPs to reach". */
  at?: number;
  logY?: boolean;
  smoothing?: number;
}

/** A view's state in the address: short names, values as text; absent when at their defaults. */
export type Params = Record<string, string>;

export type Route =
  | { view: 'runs'; params?: Params }
  /** A config may come in the link (#/new?preset=NAME or #/new?config=<JSON>): shared, or opened by a study. */
  | { view: 'new'; preset?: string; config?: string }
  | { view: 'run'; id: string; params?: Params }
  /** `params` holds what the compare options do not (the metric of each task group). */
  | { view: 'compare'; ids: string[]; options?: CompareOptions; params?: Params }
  | { view: 'not-found'; hash: string };

const COMPARE_OPTION_NAMES = ['ids', 'x', 'key', 'at', 'logy', 'smooth'];

function paramsOf(search: URLSearchParams, skip: readonly string[] = []): Params | undefined {
  const params: Params = {};
  for (const [name, value] of search) if (!skip.includes(name) && value !== '') params[name] = value;
  return Object.keys(params).length > 0 ? params : undefined;
}

function queryOf(params: Params | undefined): string {
  const entries = Object.entries(params ?? {}).filter(([, v]) => v !== '');
  return entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** The view a route shows, whatever its view state: a change of state keeps the same view mounted. */
export function routeIdentity(route: Route): string {
  switch (route.view) {
    case 'runs':
      return 'runs';
    case 'new':
      return routeHref(route);
    case 'run':
      return `run/${route.id}`;
    case 'compare':
      return `compare/${route.ids.join(',')}`;
    case 'not-found':
      return `#${route.hash}`;
  }
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (parts.length === 0 || (parts[0] === 'runs' && parts.length === 1)) {
    const runsParams = paramsOf(params);
    return runsParams ? { view: 'runs', params: runsParams } : { view: 'runs' };
  }
  if (parts[0] === 'new' && parts.length === 1) {
    const preset = params.get('preset');
    const config = params.get('config');
    return { view: 'new', ...(preset ? { preset } : {}), ...(config ? { config } : {}) };
  }
  if (parts[0] === 'run' && parts.length === 2) {
    const runParams = paramsOf(params);
    return runParams ? { view: 'run', id: parts[1]!, params: runParams } : { view: 'run', id: parts[1]! };
  }
  if (parts[0] === 'compare' && parts.length === 1) {
    // A run named twice (a hand-edited or concatenated link) is compared once.
    const ids = [...new Set((params.get('ids') ?? '').split(',').filter(Boolean))];
    const options = compareOptions(params);
    const extra = paramsOf(params, COMPARE_OPTION_NAMES);
    return {
      view: 'compare',
      ids,
      ...(Object.keys(options).length > 0 ? { options } : {}),
      ...(extra ? { params: extra } : {}),
    };
  }
  return { view: 'not-found', hash: raw };
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'runs': {
      const query = queryOf(route.params);
      return query ? `#/runs?${query}` : '#/runs';
    }
    case 'new': {
      const query = [
        route.preset ? `preset=${encodeURIComponent(route.preset)}` : '',
        route.config ? `config=${encodeURIComponent(route.config)}` : '',
      ].filter(Boolean);
      return query.length > 0 ? `#/new?${query.join('&')}` : '#/new';
    }
    case 'run': {
      const query = queryOf(route.params);
      return `#/run/${encodeURIComponent(route.id)}${query ? `?${query}` : ''}`;
    }
    case 'compare': {
      const o = route.options ?? {};
      const extra = [
        o.xAxis ? `x=${o.xAxis}` : '',
        o.key ? `key=${encodeURIComponent(o.key)}` : '',
        o.at !== undefined ? `at=${o.at}` : '',
        o.logY ? 'logy=1' : '',
        o.smoothing !== undefined ? `smooth=${o.smoothing}` : '',
        queryOf(route.params),
      ].filter(Boolean);
      return `#/compare?ids=${route.ids.map(encodeURIComponent).join(',')}${extra.map((e) => `&${e}`).join('')}`;
    }
    case 'not-found':
      return `#${route.hash}`;
  }
}

/** A compare route's view state as one set of params: its options by their link names, and the rest. */
export function compareParams(route: Extract<Route, { view: 'compare' }>): Params {
  const o = route.options ?? {};
  const params: Params = { ...route.params };
  if (o.xAxis) params.x = o.xAxis;
  if (o.key) params.key = o.key;
  if (o.at !== undefined) params.at = String(o.at);
  if (o.logY) params.logy = '1';
  if (o.smoothing !== undefined) params.smooth = String(o.smoothing);
  return params;
}

function compareOptions(params: URLSearchParams): CompareOptions {
  const options: CompareOptions = {};
  const x = params.get('x');
  if (x && (X_AXES as readonly string[]).includes(x)) options.xAxis = x as XAxis;
  const key = params.get('key');
  if (key) options.key = key;
  const at = Number(params.get('at') ?? Number.NaN);
  if (params.has('at') && Number.isFinite(at)) options.at = at;
  if (params.get('logy') === '1') options.logY = true;
  const smooth = Number(params.get('smooth') ?? Number.NaN);
  if (params.has('smooth') && smooth >= 0 && smooth < 1) options.smoothing = smooth;
  return options;
}
