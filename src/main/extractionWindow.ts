import { BrowserWindow, session } from 'electron';
import type { ExtractionPageHost, PageWatch } from '../backend/face/pageHost.js';
import {
  EXTRACTION_PROXY,
  EXTRACTION_WEBRTC_POLICY,
  decideExtractionRequest,
  electronBrowserName,
  extractionPartition,
  extractionWindowOptions,
  rendererGoneReason,
  uncaughtPageError,
} from './extractionSecurity.js';

/**
 * Face extraction in the desktop app: the extraction page in a hidden window of Electron's own
 * Chromium, so the user's machine needs no browser of its own. Only wiring; the decisions are in
 * extractionSecurity.ts and the run itself in src/backend/face/runner.ts.
 */
export const extractionWindowHost: ExtractionPageHost = {
  async withPage(fn) {
    const partition = extractionPartition();
    const ses = session.fromPartition(partition, { cache: false });
    ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    ses.setDevicePermissionHandler(() => false);
    await ses.setProxy(EXTRACTION_PROXY);
    let watch: PageWatch | null = null;
    ses.webRequest.onBeforeRequest((details, callback) => {
      const decision = decideExtractionRequest(details.url);
      watch?.onRequest(details.url);
      if (decision.cancel) watch?.onRefused(details.url);
      callback(decision);
    });

    const window = new BrowserWindow(extractionWindowOptions(partition));
    const contents = window.webContents;
    contents.setWebRTCIPHandlingPolicy(EXTRACTION_WEBRTC_POLICY);
    let closing = false;
    try {
      return await fn({
        browser: electronBrowserName(process.versions),
        open: async (url, pageWatch) => {
          watch = pageWatch;
          contents.on('console-message', (event) => {
            const error = uncaughtPageError(event.level, event.message);
            if (error !== null) pageWatch.onPageError(error);
          });
          contents.on('render-process-gone', (_event, details) => {
            if (!closing) pageWatch.onCrash(rendererGoneReason(details.reason, details.exitCode));
          });
          // Rejects when the load fails (did-fail-load of the page itself).
          await window.loadURL(url);
        },
      });
    } finally {
      closing = true;
      if (!window.isDestroyed()) window.destroy();
      ses.webRequest.onBeforeRequest(null);
      // The run's own outcome matters more than tidying an in-memory session that is dropped anyway.
      await ses.clearStorageData().catch(() => undefined);
    }
  },
};
