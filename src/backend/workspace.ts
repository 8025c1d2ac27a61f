import { EventHub } from '../core/api/events.js';
import type { Handlers } from '../core/api/dispatch.js';
import { createHandlers } from './api/handlers.js';
import type { FaceHandlerOptions } from './api/faceHandlers.js';
import { removeMediaLeftovers } from './import/mediaLeftovers.js';
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

  /** Opens a study; opened for writing, it first clears what an import that died left in its media folder. */
  static async open(dir: string, options: OpenStudyOptions & WorkspaceOptions): Promise<Workspace> {
    const { extractionPageHost, ...studyOptions } = options;
    const study = await Study.open(dir, studyOptions);
    if (!study.readOnly) {
      try {
        await removeMediaLeftovers(study, options.actor);
      } catch (error) {
        await study.close();
        throw error;
      }
    }
    return new Workspace(study, extractionPageHost === undefined ? {} : { extractionPageHost });
  }

  static async create(dir: string, options: CreateStudyOptions & WorkspaceOptions): Promise<Workspace> {
    const { extractionPageHost, ...studyOptions } = options;
    return new Workspace(await Study.create(dir, studyOptions), extractionPageHost === undefined ? {} : { extractionPageHost });
  }

  async close(): Promise<void> {
    await this.study.close();
  }
}
