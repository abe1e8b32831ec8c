// Hash routes (#/runs, #/new, #/run/<id>, #/compare?ids=a,b): hashes work from file:// in Electron and
// behind `raptr serve` alike, with no server-side routing. A compare link can also carry its view
// (&x=step&key=eval/poly/err_deg4&at=0.1&logy=1&smooth=0), so it can be shared and the studies
// (`raptr repro`) can open exactly the chart they report.
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

export type Route =
  | { view: 'runs' }
  /** A config may come in the link (#/new?preset=NAME or #/new?config=<JSON>): shared, or opened by a study. */
  | { view: 'new'; preset?: string; config?: string }
  | { view: 'run'; id: string }
  | { view: 'compare'; ids: string[]; options?: CompareOptions }
  | { view: 'not-found'; hash: string };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (parts.length === 0 || (parts[0] === 'runs' && parts.length === 1)) return { view: 'runs' };
  if (parts[0] === 'new' && parts.length === 1) {
    const preset = params.get('preset');
    const config = params.get('config');
    return { view: 'new', ...(preset ? { preset } : {}), ...(config ? { config } : {}) };
  }
  if (parts[0] === 'run' && parts.length === 2) return { view: 'run', id: parts[1]! };
  if (parts[0] === 'compare' && parts.length === 1) {
    const ids = (params.get('ids') ?? '').split(',').filter(Boolean);
    const options = compareOptions(params);
    return Object.keys(options).length > 0 ? { view: 'compare', ids, options } : { view: 'compare', ids };
  }
  return { view: 'not-found', hash: raw };
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'runs':
      return '#/runs';
    case 'new': {
      const query = [
        route.preset ? `preset=${encodeURIComponent(route.preset)}` : '',
        route.config ? `config=${encodeURIComponent(route.config)}` : '',
      ].filter(Boolean);
      return query.length > 0 ? `#/new?${query.join('&')}` : '#/new';
    }
    case 'run':
      return `#/run/${encodeURIComponent(route.id)}`;
    case 'compare': {
      const o = route.options ?? {};
      const extra = [
        o.xAxis ? `x=${o.xAxis}` : '',
        o.key ? `key=${encodeURIComponent(o.key)}` : '',
        o.at !== undefined ? `at=${o.at}` : '',
        o.logY ? 'logy=1' : '',
        o.smoothing !== undefined ? `smooth=${o.smoothing}` : '',
      ].filter(Boolean);
      return `#/compare?ids=${route.ids.map(encodeURIComponent).join(',')}${extra.map((e) => `&${e}`).join('')}`;
    }
    case 'not-found':
      return `#${route.hash}`;
  }
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
