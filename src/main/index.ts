import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, protocol, safeStorage, session } from 'electron';
import { INVOKE_CHANNEL } from '../core/api/ipc.js';
import { toErrorData } from '../core/errors.js';
import { Workspace } from '../backend/workspace.js';
import { serveAppRequest } from './appProtocol.js';
import { createInvokeHandler, forwardEvents } from './ipc.js';
import {
  DESKTOP_SETTINGS_FILE,
  chooseStudy,
  defaultStudyName,
  desktopActor,
  holdsNoStudy,
  readDesktopSettings,
  writeDesktopSettings,
} from './launch.js';
import { extractionWindowHost } from './extractionWindow.js';
import { createQuitGuard } from './lifecycle.js';
import { KEYCHAIN_FILE, StudyKeychain, openWithKeychain } from './studyKeychain.js';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_REGISTRATION,
  createWindowOptions,
  decideNavigation,
  decidePermission,
  decidePermissionCheck,
  decideRequest,
  decideWindowOpen,
} from './security.js';

// This file is dist/src/main/index.js once built; the renderer and the preload bundle sit beside it.
const RENDERER_ROOT = fileURLToPath(new URL('../renderer/', import.meta.url));
const PRELOAD_PATH = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

// Live capture, and with it recorded camera consent, arrives with the live-capture issue;
// until then the camera stays off.
const CAMERA_ALLOWED = false;

const actor = desktopActor();
// Face extraction runs in a hidden window of Electron's own Chromium, not a system browser.
const workspaceOptions = { extractionPageHost: extractionWindowHost };
let workspace: Workspace | null = null;
let mainWindow: BrowserWindow | null = null;

async function closeWorkspace(): Promise<void> {
  const closing = workspace;
  workspace = null;
  await closing?.close();
}

async function fail(title: string, error: unknown): Promise<void> {
  dialog.showErrorBox(title, toErrorData(error).message);
  await closeWorkspace().catch((closeError: unknown) =>
    console.error(`Weft could not close the study cleanly: ${toErrorData(closeError).message}`),
  );
  app.exit(1);
}

function secureSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : undefined;
    callback(decidePermission(permission, details.requestingUrl, CAMERA_ALLOWED, mediaTypes));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    decidePermissionCheck(permission, requestingOrigin, CAMERA_ALLOWED, details.mediaType),
  );
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => callback(decideRequest(details.url)));
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(RENDERER_ROOT, request));
}

async function askForStudyFolder(): Promise<string | null> {
  const picked = await dialog.showOpenDialog({
    title: 'Open a Weft study',
    buttonLabel: 'Open study',
    properties: ['openDirectory', 'createDirectory'],
  });
  return picked.canceled ? null : (picked.filePaths[0] ?? null);
}

async function confirmCreateStudy(dir: string): Promise<boolean> {
  const answer = await dialog.showMessageBox({
    type: 'question',
    title: 'Weft',
    message: `${dir} is not a Weft study.`,
    detail: 'Create a new, empty study in this folder?',
    buttons: ['Create study', 'Cancel'],
    defaultId: 0,
    cancelId: 1,
  });
  return answer.response === 0;
}

/** The study to work on, or null when the user backed out. */
async function openStudy(settingsPath: string): Promise<Workspace | null> {
  const choice = chooseStudy(process.argv, await readDesktopSettings(settingsPath), process.cwd());
  const dir = choice.kind === 'ask' ? await askForStudyFolder() : choice.dir;
  if (dir === null) return null;
  if (holdsNoStudy(dir)) {
    if (!(await confirmCreateStudy(dir))) return null;
    return Workspace.create(dir, { name: defaultStudyName(dir), actor, ...workspaceOptions });
  }
  return openWithKeychain(dir, actor, new StudyKeychain(join(app.getPath('userData'), KEYCHAIN_FILE), safeStorage), workspaceOptions);
}

function createMainWindow(opened: Workspace): BrowserWindow {
  const window = new BrowserWindow(createWindowOptions(PRELOAD_PATH));
  window.once('ready-to-show', () => window.show());
  const stopForwarding = forwardEvents(opened.hub, window.webContents);
  window.webContents.once('destroyed', stopForwarding);
  window.on('closed', () => {
    mainWindow = null;
    // A hidden extraction window would otherwise keep the app running with no window to show.
    app.quit();
  });
  void window.loadURL(APP_ENTRY_URL).catch((error: unknown) => fail('Weft could not show its window', error));
  return window;
}

async function start(): Promise<void> {
  secureSession();
  const settingsPath = join(app.getPath('userData'), DESKTOP_SETTINGS_FILE);
  let opened: Workspace | null;
  try {
    opened = await openStudy(settingsPath);
  } catch (error) {
    return fail('Weft could not open the study', error);
  }
  if (opened === null) {
    app.quit();
    return;
  }
  workspace = opened;
  await writeDesktopSettings(settingsPath, { last_study: opened.study.dir }).catch((error: unknown) =>
    console.warn(`Weft could not remember the study for next time: ${toErrorData(error).message}`),
  );
  ipcMain.handle(INVOKE_CHANNEL, createInvokeHandler(() => workspace, actor));
  mainWindow = createMainWindow(opened);
}

protocol.registerSchemesAsPrivileged([APP_SCHEME_REGISTRATION]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    const preventForeign = (event: { preventDefault(): void; url: string }): void => {
      if (decideNavigation(event.url) === 'deny') event.preventDefault();
    };
    contents.on('will-navigate', preventForeign);
    // will-navigate sees only the top frame; iframes navigate through this one.
    contents.on('will-frame-navigate', preventForeign);
    contents.on('will-redirect', preventForeign);
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(decideWindowOpen);
  });

  app.on(
    'before-quit',
    createQuitGuard(closeWorkspace, () => app.quit(), (error) =>
      console.error(`Weft could not close the study cleanly: ${toErrorData(error).message}`),
    ),
  );
  app.on('window-all-closed', () => app.quit());

  void app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail('Weft could not start', error));
}
