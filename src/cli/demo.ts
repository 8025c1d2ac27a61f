import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventSink } from '../core/api/events.js';
import type { ImportSummary } from '../core/api/schemas.js';
import { WeftError } from '../core/errors.js';
import { STUDY_FILE } from '../core/study/settings.js';
import { Workspace } from '../backend/workspace.js';
import { runImport } from '../backend/import/job.js';
import { DEMO_PATHS, DEMO_TIME_ZONE, generateDemo, type DemoManifest } from '../../datasets/demo/generate.js';

export const DEMO_STUDY_NAME = 'Weft demo: linear equations, worked examples vs problem solving';
/** Where the generated source files go, inside the demo study folder. */
export const DEMO_SOURCES = 'demo-sources';

export interface DemoBuild {
  readonly workspace: Workspace;
  readonly manifest: DemoManifest;
  readonly summary: ImportSummary;
}

/**
 * Generates the seeded demo recordings into the study folder and imports them through the
 * manifest, exactly as a lab would import its own files.
 */
export async function buildDemoStudy(
  dir: string,
  options: { seed?: number; minutes?: number; participants?: number; actor: string; events: EventSink },
): Promise<DemoBuild> {
  const workspace = await Workspace.create(dir, { name: DEMO_STUDY_NAME, actor: options.actor, timeZone: DEMO_TIME_ZONE });
  try {
    const sources = join(dir, DEMO_SOURCES);
    const manifest = await generateDemo(sources, {
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.minutes === undefined ? {} : { minutes: options.minutes }),
      ...(options.participants === undefined ? {} : { participants: options.participants }),
    });
    const summary = await runImport(workspace.study, {
      files: [],
      manifest: join(sources, DEMO_PATHS.manifest),
      actor: options.actor,
      events: options.events,
    });
    return { workspace, manifest, summary };
  } catch (error) {
    await workspace.close();
    throw error;
  }
}

/** Removes a previous demo study, refusing to touch a folder that is not one. */
export async function removeDemoStudy(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  if (!existsSync(join(dir, STUDY_FILE)) || !existsSync(join(dir, DEMO_SOURCES))) {
    throw new WeftError('CONFLICT', `${dir} exists and is not a Weft demo study; choose another folder with --study`);
  }
  await rm(dir, { recursive: true, force: true });
}
