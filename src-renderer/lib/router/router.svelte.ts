// The current route as state: views read router.route, links are plain hrefs, code calls go().
import { parseRoute, routeHref, type Route } from './routes.js';

export class Router {
  route: Route = $state({ view: 'runs' });

  constructor(private readonly target: Window = window) {
    this.route = parseRoute(target.location.hash);
    target.addEventListener('hashchange', () => (this.route = parseRoute(target.location.hash)));
  }

  go(route: Route): void {
    const href = routeHref(route);
    if (this.target.location.hash === href) this.route = route;
    else this.target.location.hash = href;
  }
}
