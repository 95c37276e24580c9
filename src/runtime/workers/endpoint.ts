/**
 * comlink Endpoint adapter for Node's worker_threads (Worker, parentPort, MessagePort), which
 * deliver `message` events through EventEmitter `on`/`off` with the payload itself instead of a
 * MessageEvent. Our own typed version of comlink's node-adapter (its deep import has no types).
 * No node: import: it works on any object with this shape.
 */
import type { Endpoint } from 'comlink';

/** What the adapter needs from a Node port (Worker, parentPort or MessagePort). */
export interface NodePortLike {
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  on(type: 'message', listener: (value: unknown) => void): unknown;
  off(type: 'message', listener: (value: unknown) => void): unknown;
  start?: () => void;
}

/**
 * Wraps a Node port as a comlink Endpoint.
 * @param port a worker_threads Worker, parentPort or MessagePort
 * @returns an Endpoint whose listeners receive `{ data }` events
 * @example
 * Comlink.expose(workerApi, nodeEndpoint(parentPort));
 */
export function nodeEndpoint(port: NodePortLike): Endpoint {
  const listeners = new WeakMap<object, (value: unknown) => void>();
  return {
    postMessage(message: unknown, transfer?: Transferable[]): void {
      port.postMessage(message, transfer);
    },
    addEventListener(_type: string, handler: EventListenerOrEventListenerObject): void {
      const l = (data: unknown): void => {
        const ev = { data } as MessageEvent;
        if (typeof handler === 'function') handler(ev);
        else handler.handleEvent(ev);
      };
      port.on('message', l);
      listeners.set(handler, l);
    },
    removeEventListener(_type: string, handler: EventListenerOrEventListenerObject): void {
      const l = listeners.get(handler);
      if (!l) return;
      port.off('message', l);
      listeners.delete(handler);
    },
    ...(port.start ? { start: () => port.start?.() } : {}),
  };
}
