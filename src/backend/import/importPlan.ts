import { WeftError } from '../../core/errors.js';
import { participantIdSchema } from '../../core/api/schemas.js';
import type { EventSink } from '../../core/api/events.js';
import { readManifest } from './manifest.js';
import { detectImporter, importerFor } from './registry.js';
import { inspectSource, type SourceFile } from './source.js';
import type { Importer, StreamSpec, StreamTarget } from './types.js';

export interface ImportRequest {
  readonly files: readonly string[];
  readonly manifest?: string;
  /** Forces the format of every file given in `files`. */
  readonly format?: string;
  /** Overrides what the files say about whom they belong to (--participant, --session, ...). */
  readonly target?: StreamTarget;
  readonly sessionStartUs?: number;
  readonly clockOffsetUs?: number;
  /** Read and check everything, then roll back: the summary of an import that stores nothing. */
  readonly dryRun?: boolean;
  readonly actor: string;
  readonly events: EventSink;
  readonly signal?: AbortSignal;
}

/** A file to import: what it is, which importer reads it, and what the request says about it. */
export interface PlannedFile {
  readonly source: SourceFile;
  readonly importer: Importer;
  readonly override: StreamTarget;
  readonly overrideOrigin: string;
  readonly sessionStartUs?: number;
  readonly clockOffsetUs?: number;
}

const PHASE_ORDER = { consent: 0, data: 1, annotations: 2 } as const;

/** Every file of the request, inspected and matched to its importer; consent files first, annotations last. */
export async function plan(request: ImportRequest): Promise<PlannedFile[]> {
  const inputs: { path: string; format?: string; override: StreamTarget; origin: string; sessionStartUs?: number; clockOffsetUs?: number }[] = [];
  if (request.manifest !== undefined) {
    for (const entry of await readManifest(request.manifest)) {
      inputs.push({
        path: entry.path,
        ...(entry.format === undefined ? {} : { format: entry.format }),
        override: entry.target,
        origin: `manifest line ${entry.line}`,
        ...(entry.sessionStartUs === undefined ? {} : { sessionStartUs: entry.sessionStartUs }),
        ...(entry.clockOffsetUs === undefined ? {} : { clockOffsetUs: entry.clockOffsetUs }),
      });
    }
  }
  for (const path of request.files) {
    inputs.push({
      path,
      ...(request.format === undefined ? {} : { format: request.format }),
      override: request.target ?? {},
      origin: 'the command line',
      ...(request.sessionStartUs === undefined ? {} : { sessionStartUs: request.sessionStartUs }),
      ...(request.clockOffsetUs === undefined ? {} : { clockOffsetUs: request.clockOffsetUs }),
    });
  }
  if (inputs.length === 0) throw new WeftError('INVALID_INPUT', 'Nothing to import: give files, a manifest, or both');
  const planned: PlannedFile[] = [];
  for (const input of inputs) {
    const source = await inspectSource(input.path);
    const importer = input.format === undefined ? detectImporter(source) : importerFor(input.format);
    planned.push({
      source,
      importer,
      override: input.override,
      overrideOrigin: input.origin,
      ...(input.sessionStartUs === undefined ? {} : { sessionStartUs: input.sessionStartUs }),
      ...(input.clockOffsetUs === undefined ? {} : { clockOffsetUs: input.clockOffsetUs }),
    });
  }
  return planned.sort((a, b) => PHASE_ORDER[a.importer.phase] - PHASE_ORDER[b.importer.phase]);
}

/**
 * Session starts stated by a manifest or the command line, which fix session time 0 whatever
 * order the files are read in; two statements that disagree are refused before anything is read.
 */
export function declaredSessionStarts(files: readonly PlannedFile[]): Map<string, { us: number; origin: string }> {
  const starts = new Map<string, { us: number; origin: string }>();
  for (const file of files) {
    const sessionId = file.override.sessionId;
    if (sessionId === undefined || file.sessionStartUs === undefined) continue;
    const earlier = starts.get(sessionId);
    if (earlier !== undefined && earlier.us !== file.sessionStartUs) {
      throw new WeftError('CONFLICT', `Session "${sessionId}" is given two different starts: ${earlier.origin} and ${file.overrideOrigin}`);
    }
    starts.set(sessionId, { us: file.sessionStartUs, origin: file.overrideOrigin });
  }
  return starts;
}

/** Whose the stream is: what the request says, else what the file says; refused when neither says. */
export function resolveTarget(file: PlannedFile, spec: StreamSpec, distinct: Set<string>): { participantId: string; sessionId: string | null; variant: string | null; lesson: string | null } {
  const fromFile = spec.target.participantId;
  if (fromFile !== undefined) {
    distinct.add(fromFile);
    if (file.override.participantId !== undefined && distinct.size > 1) {
      throw new WeftError(
        'CONFLICT',
        `${file.source.path} holds data of several participants (${[...distinct].slice(0, 3).join(', ')}, ...), so ${file.overrideOrigin} cannot assign it all to "${file.override.participantId}"`,
        { location: { file: file.source.path } },
      );
    }
  }
  const participantId = file.override.participantId ?? fromFile;
  if (participantId === undefined) {
    throw new WeftError('INVALID_INPUT', `${file.source.path} does not say which participant it belongs to; give --participant, or list it in a manifest${spec.target.participantAdvice === undefined ? '' : `; or ${spec.target.participantAdvice}`}`, {
      location: { file: file.source.path },
    });
  }
  if (!participantIdSchema.safeParse(participantId).success) {
    throw new WeftError('PARSE_ERROR', `${file.source.path}: "${participantId}" cannot be used as a participant id`, { location: { file: file.source.path } });
  }
  return {
    participantId,
    sessionId: file.override.sessionId ?? spec.target.sessionId ?? null,
    variant: file.override.variant ?? spec.target.variant ?? null,
    lesson: file.override.lesson ?? spec.target.lesson ?? null,
  };
}
