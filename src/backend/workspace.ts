import { EventHub } from '../core/api/events.js';
import type { Handlers } from '../core/api/dispatch.js';
import { createHandlers } from './api/handlers.js';
import type { FaceHandlerOptions } from './api/faceHandlers.js';
import { Study, type CreateStudyOptions, type OpenStudyOptions } from './store/study.js';

/** What the host process brings besides the study: Electron runs face extraction in its own hidden window. */
export type WorkspaceOptions = FaceHandlerOptions;

/**
 * What a host process (CLI, browser-mode server, Electron main) holds: one open study, the
 * handlers that implement the API over it, and the hub its events go out through.
 */
export class Workspace {
  readonly hub = new EventHub();
  readonly handlers: Handlers;

  private constructor(
    readonly study: Study,
    options: WorkspaceOptions,
  ) {
    this.handlers = createHandlers(study, options);
  }

  static async open(dir: string, options: OpenStudyOptions & WorkspaceOptions): Promise<Workspace> {
    const { extractionPageHost, ...studyOptions } = options;
    return new Workspace(await Study.open(dir, studyOptions), extractionPageHost === undefined ? {} : { extractionPageHost });
  }

  static async create(dir: string, options: CreateStudyOptions & WorkspaceOptions): Promise<Workspace> {
    const { extractionPageHost, ...studyOptions } = options;
    return new Workspace(await Study.create(dir, studyOptions), extractionPageHost === undefined ? {} : { extractionPageHost });
  }

  async close(): Promise<void> {
    await this.study.close();
  }
}
