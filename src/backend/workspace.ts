import { EventHub } from '../core/api/events.js';
import type { Handlers } from '../core/api/dispatch.js';
import { createHandlers } from './api/handlers.js';
import { Study, type CreateStudyOptions, type OpenStudyOptions } from './store/study.js';

/**
 * What a host process (CLI, browser-mode server, Electron main) holds: one open study, the
 * handlers that implement the API over it, and the hub its events go out through.
 */
export class Workspace {
  readonly hub = new EventHub();
  readonly handlers: Handlers;

  private constructor(readonly study: Study) {
    this.handlers = createHandlers(study);
  }

  static async open(dir: string, options: OpenStudyOptions): Promise<Workspace> {
    return new Workspace(await Study.open(dir, options));
  }

  static async create(dir: string, options: CreateStudyOptions): Promise<Workspace> {
    return new Workspace(await Study.create(dir, options));
  }

  async close(): Promise<void> {
    await this.study.close();
  }
}
