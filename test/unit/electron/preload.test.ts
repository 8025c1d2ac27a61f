import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_KEY, EVENT_CHANNEL, INVOKE_CHANNEL, type DesktopBridge } from '../../../src/core/api/ipc.js';
import type { EventEnvelope } from '../../../src/core/api/events.js';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: {
    invoke: vi.fn(async () => ({ ok: true, value: 'from main' })),
    on: vi.fn(),
    removeListener: vi.fn(),
  },
}));

vi.mock('electron', () => electron);

let bridge: DesktopBridge;

beforeAll(async () => {
  await import('../../../src/preload/index.js');
  expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  bridge = electron.contextBridge.exposeInMainWorld.mock.calls[0]?.[1] as DesktopBridge;
});

describe('the preload', () => {
  it('exposes exactly one key, weft, holding exactly invoke and on', () => {
    const [key, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0] ?? [];
    expect(key).toBe('weft');
    expect(key).toBe(BRIDGE_KEY);
    expect(Object.keys(api as object).sort()).toEqual(['invoke', 'on']);
    expect(typeof bridge.invoke).toBe('function');
    expect(typeof bridge.on).toBe('function');
  });

  it('does not hand the page ipcRenderer or any of its functions', () => {
    const values = Object.values(bridge as unknown as Record<string, unknown>);
    expect(values).not.toContain(electron.ipcRenderer);
    for (const fn of Object.values(electron.ipcRenderer)) expect(values).not.toContain(fn);
  });

  it('forwards invoke to ipcRenderer.invoke on the invoke channel and returns its result', async () => {
    const input = { sql: 'SELECT 1' };
    await expect(bridge.invoke('sql.query', input)).resolves.toEqual({ ok: true, value: 'from main' });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(INVOKE_CHANNEL, 'sql.query', input);
  });

  it('hands a listener the envelope alone, never the IPC event', () => {
    const listener = vi.fn();
    const stop = bridge.on(listener);
    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1);
    const [channel, handler] = electron.ipcRenderer.on.mock.calls[0] as unknown as [string, (event: unknown, envelope: unknown) => void];
    expect(channel).toBe(EVENT_CHANNEL);

    const ipcEvent = { sender: electron.ipcRenderer, senderId: 0, ports: [] };
    const envelope: EventEnvelope = { seq: 7, name: 'study.changed', payload: { reason: 'import' } };
    handler(ipcEvent, envelope);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([envelope]);
    expect(listener.mock.calls[0]?.[0]).toBe(envelope);

    stop();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(EVENT_CHANNEL, handler);
  });

  it('refuses a listener that is not a function before subscribing', () => {
    const subscriptions = electron.ipcRenderer.on.mock.calls.length;
    expect(() => bridge.on('alert(1)' as unknown as (event: EventEnvelope) => void)).toThrow(TypeError);
    expect(electron.ipcRenderer.on.mock.calls.length).toBe(subscriptions);
  });
});
