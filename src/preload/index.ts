import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BridgeKey, DesktopBridge, EventChannel, InvokeChannel } from '../core/api/ipc.js';
import type { EventEnvelope } from '../core/api/events.js';

// A sandboxed preload can load nothing but 'electron', so these are copies of the names in
// core/api/ipc.ts; their literal types make the compiler hold the copies to the originals.
const INVOKE: InvokeChannel = 'weft:invoke';
const EVENT: EventChannel = 'weft:event';
const KEY: BridgeKey = 'weft';

// The page gets these two functions and nothing else: never ipcRenderer, never an IPC event.
const bridge: DesktopBridge = {
  invoke(method, input) {
    return ipcRenderer.invoke(INVOKE, method, input);
  },
  on(listener) {
    if (typeof listener !== 'function') throw new TypeError('weft.on needs a listener function');
    const handler = (_event: IpcRendererEvent, envelope: EventEnvelope): void => listener(envelope);
    ipcRenderer.on(EVENT, handler);
    return () => {
      ipcRenderer.removeListener(EVENT, handler);
    };
  },
};

contextBridge.exposeInMainWorld(KEY, bridge);
