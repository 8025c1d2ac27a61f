import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../../src/core/api/dispatch.js';
import { EventHub } from '../../../src/core/api/events.js';
import { EVENT_CHANNEL, INVOKE_CHANNEL, createDesktopTransport, type DesktopBridge } from '../../../src/core/api/ipc.js';
import { createClient } from '../../../src/core/api/client.js';
import { Workspace } from '../../../src/backend/workspace.js';
import { createInvokeHandler, forwardEvents, type EventReceiver, type InvokeEventLike } from '../../../src/main/ipc.js';

const fromFrame = (url: string): InvokeEventLike => ({ senderFrame: { url } });

let dir: string;
let workspace: Workspace;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-ipc-'));
  workspace = await Workspace.create(join(dir, 'study'), { name: 't', actor: 'test' });
});

afterAll(async () => {
  await workspace.close();
  await rm(dir, { recursive: true, force: true });
});

describe('channel names', () => {
  it('are namespaced and distinct', () => {
    expect(INVOKE_CHANNEL).toBe('weft:invoke');
    expect(EVENT_CHANNEL).toBe('weft:event');
  });
});

describe('createInvokeHandler', () => {
  it('runs a call from app://weft against the open study', async () => {
    const invoke = createInvokeHandler(() => workspace, 'desktop:test');
    const result = await invoke(fromFrame('app://weft/'), 'study.info', {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ name: 't', path: join(dir, 'study'), read_only: false });
  });

  it('treats a missing input as empty', async () => {
    const invoke = createInvokeHandler(() => workspace, 'desktop:test');
    expect((await invoke(fromFrame('app://weft/index.html'), 'study.info', undefined)).ok).toBe(true);
  });

  it.each([
    ['http://localhost:5173/'],
    ['https://example.org/'],
    ['file:///opt/weft/index.html'],
    ['app://weft.evil/'],
    ['app://weft:9/'],
    ['about:blank'],
    ['data:text/html,x'],
    [''],
  ])('answers UNAUTHORIZED to a frame at %s without touching the backend', async (url) => {
    const getWorkspace = vi.fn(() => workspace);
    const result = await createInvokeHandler(getWorkspace, 'desktop:test')(fromFrame(url), 'study.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(getWorkspace).not.toHaveBeenCalled();
  });

  it('answers UNAUTHORIZED to a detached frame, and to one whose URL cannot be read', async () => {
    const getWorkspace = vi.fn(() => workspace);
    const invoke = createInvokeHandler(getWorkspace, 'desktop:test');
    expect(await invoke({ senderFrame: null }, 'study.info', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const disposed: InvokeEventLike = {
      get senderFrame(): { url: string } {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    expect(await invoke(disposed, 'study.info', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(getWorkspace).not.toHaveBeenCalled();
  });

  it('never lets an untrusted frame reach a handler, whatever it asks for', async () => {
    const info = vi.fn(async () => workspace.study.info());
    const spy = { handlers: { 'study.info': info } as unknown as Handlers, hub: new EventHub() };
    const invoke = createInvokeHandler(() => spy, 'desktop:test');
    await invoke(fromFrame('https://example.org/'), 'study.info', {});
    await invoke(fromFrame('https://example.org/'), 'sql.query', { sql: 'SELECT 1' });
    expect(info).not.toHaveBeenCalled();
  });

  it('passes the desktop actor and the workspace hub to the handler', async () => {
    const hub = new EventHub();
    const info = vi.fn(async () => workspace.study.info());
    const invoke = createInvokeHandler(() => ({ handlers: { 'study.info': info } as unknown as Handlers, hub }), 'desktop:alice');
    await invoke(fromFrame('app://weft/'), 'study.info', {});
    expect(info).toHaveBeenCalledWith({}, { actor: 'desktop:alice', events: hub });
  });

  it.each([[42], [null], [undefined], [{ method: 'study.info' }], [['study.info']]])(
    'answers INVALID_INPUT when the method is %j',
    async (method) => {
      const result = await createInvokeHandler(() => workspace, 'desktop:test')(fromFrame('app://weft/'), method, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    },
  );

  it('answers UNKNOWN_METHOD and INVALID_INPUT through the shared dispatch', async () => {
    const invoke = createInvokeHandler(() => workspace, 'desktop:test');
    expect(await invoke(fromFrame('app://weft/'), 'study.delete', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await invoke(fromFrame('app://weft/'), 'toString', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await invoke(fromFrame('app://weft/'), 'study.info', { extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('answers NO_STUDY_OPEN when no study is open', async () => {
    const result = await createInvokeHandler(() => null, 'desktop:test')(fromFrame('app://weft/'), 'study.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'NO_STUDY_OPEN' } });
  });

  it('turns a failure to find the workspace into error data instead of a rejected invoke', async () => {
    const result = await createInvokeHandler(() => {
      throw new Error('boom');
    }, 'desktop:test')(fromFrame('app://weft/'), 'study.info', {});
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });
});

function fakeWindow(url = 'app://weft/'): EventReceiver & { send: ReturnType<typeof vi.fn>; destroyed: boolean; url: string } {
  const window = {
    destroyed: false,
    url,
    send: vi.fn(),
    isDestroyed: () => window.destroyed,
    getURL: () => window.url,
  };
  return window;
}

describe('forwardEvents', () => {
  it('sends each event to the window as the bare envelope on the event channel', () => {
    const hub = new EventHub();
    const window = fakeWindow();
    forwardEvents(hub, window);
    hub.emit('study.changed', { reason: 'import' });
    hub.emit('study.changed', { reason: 'consent' });
    expect(window.send.mock.calls).toEqual([
      [EVENT_CHANNEL, { seq: 1, name: 'study.changed', payload: { reason: 'import' } }],
      [EVENT_CHANNEL, { seq: 2, name: 'study.changed', payload: { reason: 'consent' } }],
    ]);
  });

  it('stops when unsubscribed', () => {
    const hub = new EventHub();
    const window = fakeWindow();
    const stop = forwardEvents(hub, window);
    stop();
    hub.emit('study.changed', { reason: 'import' });
    expect(window.send).not.toHaveBeenCalled();
  });

  it('stops for good once the window is destroyed', () => {
    const hub = new EventHub();
    const window = fakeWindow();
    forwardEvents(hub, window);
    window.destroyed = true;
    hub.emit('study.changed', { reason: 'a' });
    window.destroyed = false;
    hub.emit('study.changed', { reason: 'b' });
    expect(window.send).not.toHaveBeenCalled();
  });

  it('sends nothing while the window shows a page that is not Weft', () => {
    const hub = new EventHub();
    const window = fakeWindow('https://example.org/');
    forwardEvents(hub, window);
    hub.emit('study.changed', { reason: 'a' });
    expect(window.send).not.toHaveBeenCalled();
    window.url = 'app://weft/';
    hub.emit('study.changed', { reason: 'b' });
    expect(window.send).toHaveBeenCalledTimes(1);
  });
});

describe('createDesktopTransport', () => {
  it('lets createClient call through the bridge and unwrap its results', async () => {
    const invoke = createInvokeHandler(() => workspace, 'desktop:test');
    const bridge: DesktopBridge = {
      invoke: (method, input) => invoke(fromFrame('app://weft/'), method, input),
      on: (listener) => workspace.hub.subscribe(listener),
    };
    const client = createClient(createDesktopTransport(bridge));
    expect((await client.call('study.info', {})).name).toBe('t');
    await expect(client.call('sql.query', { sql: 'DELETE FROM sessions' })).rejects.toMatchObject({ name: 'WeftError' });
    const received: unknown[] = [];
    const stop = client.on((event) => received.push(event.name));
    workspace.hub.emit('study.changed', { reason: 'test' });
    stop();
    workspace.hub.emit('study.changed', { reason: 'after stop' });
    expect(received).toEqual(['study.changed']);
  });
});
