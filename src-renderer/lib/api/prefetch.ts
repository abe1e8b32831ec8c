// Requests a view will make, started before its code has loaded: a cold load of a run page fetches the
// run's data while the browser downloads and parses the page's charts, instead of after. Each prefetched
// answer is handed out once, to the first caller asking for exactly that request; anything else goes to the
// server as usual.
import type {
  Channel,
  ChannelRequest,
  ChannelResponse,
  RaptrApi,
  Result,
} from '../../../shared/ipc-contract.js';
import { channelParts } from '../../../shared/ipc-api.js';

const pending = new Map<string, Promise<Result<unknown>>>();

const keyOf = (channel: Channel, request: unknown) => `${channel} ${JSON.stringify(request)}`;

function send<C extends Channel>(api: RaptrApi, channel: C, request: ChannelRequest<C>) {
  const [namespace, method] = channelParts(channel);
  const group = (api as unknown as Record<string, Record<string, (r: unknown) => Promise<Result<unknown>>>>)[
    namespace
  ]!;
  return group[method]!(request) as Promise<Result<ChannelResponse<C>>>;
}

export function prefetch<C extends Channel>(api: RaptrApi, channel: C, request: ChannelRequest<C>): void {
  pending.set(keyOf(channel, request), send(api, channel, request));
}

/** The prefetched answer to this exact request (once), or a fresh request. */
export function request<C extends Channel>(
  api: RaptrApi,
  channel: C,
  req: ChannelRequest<C>,
): Promise<Result<ChannelResponse<C>>> {
  const key = keyOf(channel, req);
  const early = pending.get(key);
  if (early) {
    pending.delete(key);
    return early as Promise<Result<ChannelResponse<C>>>;
  }
  return send(api, channel, req);
}
