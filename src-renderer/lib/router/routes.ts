// Hash routes (#/runs, #/new, #/run/<id>, #/compare?ids=a,b): hashes work from file:// in Electron and
// behind `raptr serve` alike, with no server-side routing.

export type Route =
  | { view: 'runs' }
  | { view: 'new' }
  | { view: 'run'; id: string }
  | { view: 'compare'; ids: string[] }
  | { view: 'not-found'; hash: string };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (parts.length === 0 || (parts[0] === 'runs' && parts.length === 1)) return { view: 'runs' };
  if (parts[0] === 'new' && parts.length === 1) return { view: 'new' };
  if (parts[0] === 'run' && parts.length === 2) return { view: 'run', id: parts[1]! };
  if (parts[0] === 'compare' && parts.length === 1) {
    const ids = (params.get('ids') ?? '').split(',').filter(Boolean);
    return { view: 'compare', ids };
  }
  return { view: 'not-found', hash: raw };
}

export function routeHref(route: Route): string {
  switch (route.view) {
    case 'runs':
      return '#/runs';
    case 'new':
      return '#/new';
    case 'run':
      return `#/run/${encodeURIComponent(route.id)}`;
    case 'compare':
      return `#/compare?ids=${route.ids.map(encodeURIComponent).join(',')}`;
    case 'not-found':
      return `#${route.hash}`;
  }
}
