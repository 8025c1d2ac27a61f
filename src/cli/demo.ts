import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '../core/api/client.js';
import type { EventListener } from '../core/api/events.js';
import { createInProcessTransport } from '../core/api/inProcess.js';
import type { ClockAlignResult, ImportSummary } from '../core/api/schemas.js';
import { WeftError } from '../core/errors.js';
import { STUDY_FILE } from '../core/study/settings.js';
import { Workspace } from '../backend/workspace.js';
import { DEMO_PATHS, DEMO_TIME_ZONE, generateDemo, type DemoManifest } from '../../datasets/demo/generate.js';

export const DEMO_STUDY_NAME = 'Weft demo: linear equations, worked examples vs problem solving';
/**
 * Where the generated recordings go: beside the study folder, not in it, as a lab's own files
 * would be. The study folder then holds exactly what Weft manages.
 */
export function demoSourcesDir(studyDir: string): string {
  return `${studyDir.replace(/[\\/]+$/, '')}-sources`;
}

export interface DemoBuild {
  readonly workspace: Workspace;
  readonly manifest: DemoManifest;
  readonly summary: ImportSummary;
  /** Null when the build was asked not to align (tests of alignment itself). */
  readonly alignment: ClockAlignResult | null;
}

/**
 * How the demo's eye-tracker clocks are aligned to the tutor log: every tenth transaction id is
 * echoed into a Tobii LogData event; DataShop times are whole seconds; the EMDAT segments were cut
 * from the same recording.
 */
export const DEMO_ALIGNMENT = {
  reference: { kind: 'interaction_log', attribute: 'Transaction Id' },
  target: { kind: 'eye_markers', event_kind: 'logdata', attribute: 'Descriptor' },
  reference_truncated_us: 1_000_000,
  also_kinds: ['segments'],
} as const;

/**
 * Generates the seeded demo recordings into the study folder and imports them through the
 * manifest, exactly as a lab would import its own files.
 */
export async function buildDemoStudy(
  dir: string,
  options: { seed?: number; minutes?: number; participants?: number; actor: string; onEvent?: EventListener; align?: boolean },
): Promise<DemoBuild> {
  const workspace = await Workspace.create(dir, { name: DEMO_STUDY_NAME, actor: options.actor, timeZone: DEMO_TIME_ZONE });
  const stop = options.onEvent === undefined ? () => undefined : workspace.hub.subscribe(options.onEvent);
  try {
    const sources = demoSourcesDir(dir);
    const manifest = await generateDemo(sources, {
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.minutes === undefined ? {} : { minutes: options.minutes }),
      ...(options.participants === undefined ? {} : { participants: options.participants }),
    });
    const client = createClient(createInProcessTransport(workspace.handlers, workspace.hub, options.actor));
    const summary = await client.call('session.import', { manifest: join(sources, DEMO_PATHS.manifest) });
    const alignment =
      options.align === false
        ? null
        : await client.call('clock.align', {
      reference: { ...DEMO_ALIGNMENT.reference },
      target: { ...DEMO_ALIGNMENT.target },
      reference_truncated_us: DEMO_ALIGNMENT.reference_truncated_us,
      also_kinds: [...DEMO_ALIGNMENT.also_kinds],
    });
    return { workspace, manifest, summary, alignment };
  } catch (error) {
    await workspace.close();
    throw error;
  } finally {
    stop();
  }
}

/** Removes a previous demo study and its sources, refusing to touch a folder that is not one. */
export async function removeDemoStudy(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  if (!existsSync(join(dir, STUDY_FILE)) || !existsSync(join(demoSourcesDir(dir), DEMO_PATHS.manifest))) {
    throw new WeftError('CONFLICT', `${dir} exists and is not a Weft demo study; choose another folder with --study`);
  }
  await rm(dir, { recursive: true, force: true });
  await rm(demoSourcesDir(dir), { recursive: true, force: true });
}
