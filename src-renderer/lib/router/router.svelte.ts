// The current route as state: views read router.route, links are plain hrefs, code calls go(). A view's own
// state (sort, axis, smoothing, ...) goes into the address with update(): pushed as a history entry when
// the user changed something they may want back, replaced while typing or dragging, and never remounting
// the view. Back and forward restore it (popstate and hashchange re-read the address).
import { parseRoute, routeHref, type Route } from './routes.js';

export class Router {
  route: Route = $state({ view: 'runs' });

  constructor(private readonly target: Window = window) {
    this.route = parseRoute(target.location.hash);
    const reread = () => {
      const next = parseRoute(target.location.hash);
      if (routeHref(next) !== routeHref(this.route)) this.route = next;
    };
    target.addEventListener('hashchange', reread);
    target.addEventListener('popstate', reread);
  }

  go(route: Route): void {
    const href = routeHref(route);
    if (this.target.location.hash === href) this.route = route;
    else this.target.location.hash = href;
  }

  /** The same view with new view state, written to the address; `push` makes it a back-button step. */
  update(route: Route, push: boolean): void {
    const href = routeHref(route);
    if (this.target.location.hash === href) return;
    const history = this.target.history;
    if (push) history.pushState(null, '', href);
    else history.replaceState(null, '', href);
    this.route = route;
  }
}
