// A RaptrApi for component tests: the real contract object (buildApi) over handlers a test supplies,
// with events the test emits by hand. Channels without a handler fail the way a server would.
import {
  buildApi,
  type Channel,
  type ChannelRequest,
  type ChannelResponse,
  type EventName,
  type Events,
  type RaptrApi,
  type Result,
} from '../../shared/ipc-contract.js';

export type FakeHandlers = {
  [C in Channel]?: (request: ChannelRequest<C>) => ChannelResponse<C> | Promise<ChannelResponse<C>>;
};

export interface FakeApi {
  api: RaptrApi;
  calls: Array<{ channel: Channel; request: unknown }>;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
}

export function fakeApi(handlers: FakeHandlers): FakeApi {
  const calls: FakeApi['calls'] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const invoke = async (channel: Channel, request: unknown): Promise<Result<unknown>> => {
    calls.push({ channel, request });
    const handler = handlers[channel] as ((r: unknown) => unknown) | undefined;
    if (!handler) return { ok: false, error: { code: 'not-found', message: `no fake for ${channel}` } };
    try {
      return { ok: true, value: await handler(request) };
    } catch (error) {
      return { ok: false, error: { code: 'conflict', message: (error as Error).message } };
    }
  };
  const subscribe = (event: EventName, listener: (payload: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    set.add(listener);
    listeners.set(event, set);
    return () => set.delete(listener);
  };
  return {
    api: buildApi(invoke, subscribe),
    calls,
    emit: (event, payload) => listeners.get(event)?.forEach((listener) => listener(payload)),
  };
}
