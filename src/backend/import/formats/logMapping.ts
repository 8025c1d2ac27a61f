import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { participantIdSchema } from '../../../core/api/schemas.js';
import { WeftError } from '../../../core/errors.js';
import { isKnownTimeZone } from '../../../core/study/instants.js';

/**
 * A `weft-log-mapping` file: what Weft needs to know about a log that the log does not say.
 * It sits beside the log as `<log file name>.mapping.json`, or as `weft-log-mapping.json` for
 * every log in its folder (see the generic-log and xAPI sections of docs/formats.md).
 */
export interface LogMapping {
  readonly path: string;
  readonly sha256: string;
  readonly participants: ParticipantRules | null;
  /** generic-log: the log's column (or JSON key) for each event field. */
  readonly columns: Readonly<Record<string, unknown>> | null;
  /** xAPI: verb IRI → event kind, over Weft's defaults. */
  readonly verbs: Readonly<Record<string, string>>;
  /** IANA zone for times the log writes without one. */
  readonly timeZone: string | null;
}

export const ACTOR_RULES = ['account_name', 'mbox_sha1sum', 'actor_id', 'moodle_user_id'] as const;
export type ActorRule = (typeof ACTOR_RULES)[number];

/** One entry of `participants.actors`: an actor identifier and the participant it is. */
export interface ActorEntry {
  readonly key: 'mbox' | 'mbox_sha1sum' | 'openid' | 'account' | 'actor_id' | 'moodle_user_id';
  readonly value: string;
  readonly homePage?: string;
  readonly participant: string;
  readonly field: string;
}

export interface ParticipantRules {
  readonly fromActor: ActorRule | null;
  readonly accountHomePage: string | null;
  readonly actors: readonly ActorEntry[];
  readonly unmapped: 'error' | 'skip';
}

const TOP_KEYS = new Set(['format', 'participants', 'columns', 'verbs', 'time_zone', 'description']);
const PARTICIPANT_KEYS = new Set(['from_actor', 'account_home_page', 'actors', 'unmapped']);
const ACTOR_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account', 'actor_id', 'moodle_user_id'] as const;

/** Where the mapping file of a log is, if it has one. */
export function findLogMapping(logPath: string): string | null {
  for (const candidate of [`${logPath}.mapping.json`, join(dirname(logPath), 'weft-log-mapping.json')]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export function mappingError(path: string, field: string, message: string): WeftError {
  return new WeftError('PARSE_ERROR', `${path}: ${field === '' ? '' : `${field}: `}${message}`, { location: { file: path, ...(field === '' ? {} : { field }) } });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function text(path: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw mappingError(path, field, 'must be a non-empty string');
  return value;
}

function participantRules(path: string, value: unknown): ParticipantRules {
  if (!isRecord(value)) throw mappingError(path, 'participants', 'must be an object');
  for (const key of Object.keys(value)) {
    if (!PARTICIPANT_KEYS.has(key)) throw mappingError(path, `participants.${key}`, `unknown key; the keys are ${[...PARTICIPANT_KEYS].join(', ')}`);
  }
  const from = value['from_actor'];
  if (from !== undefined && !(ACTOR_RULES as readonly unknown[]).includes(from)) {
    throw mappingError(path, 'participants.from_actor', `must be one of ${ACTOR_RULES.join(', ')}`);
  }
  const unmapped = value['unmapped'] ?? 'error';
  if (unmapped !== 'error' && unmapped !== 'skip') throw mappingError(path, 'participants.unmapped', 'must be "error" or "skip"');
  const actorsValue = value['actors'] ?? [];
  if (!Array.isArray(actorsValue)) throw mappingError(path, 'participants.actors', 'must be an array of {<identifier>: ..., "participant": ...} objects');
  const actors = actorsValue.map((entry: unknown, i): ActorEntry => {
    const field = `participants.actors[${i}]`;
    if (!isRecord(entry)) throw mappingError(path, field, 'must be an object');
    const participant = text(path, `${field}.participant`, entry['participant']);
    if (!participantIdSchema.safeParse(participant).success) throw mappingError(path, `${field}.participant`, `"${participant}" cannot be used as a participant id`);
    const keys = ACTOR_KEYS.filter((k) => entry[k] !== undefined);
    const extra = Object.keys(entry).filter((k) => k !== 'participant' && !(ACTOR_KEYS as readonly string[]).includes(k));
    if (extra.length > 0) throw mappingError(path, `${field}.${extra[0] as string}`, `unknown key; an actor is identified by one of ${ACTOR_KEYS.join(', ')}`);
    if (keys.length !== 1) throw mappingError(path, field, `must name the actor by exactly one of ${ACTOR_KEYS.join(', ')} (it has ${keys.length})`);
    const key = keys[0] as ActorEntry['key'];
    if (key === 'account') {
      const account = entry['account'];
      if (!isRecord(account)) throw mappingError(path, `${field}.account`, 'must be an object with homePage and name');
      return { key, homePage: text(path, `${field}.account.homePage`, account['homePage']), value: text(path, `${field}.account.name`, account['name']), participant, field };
    }
    const raw = entry[key];
    return { key, value: typeof raw === 'number' && key === 'moodle_user_id' ? String(raw) : text(path, `${field}.${key}`, raw), participant, field };
  });
  const home = value['account_home_page'];
  return {
    fromActor: (from ?? null) as ActorRule | null,
    accountHomePage: home === undefined ? null : text(path, 'participants.account_home_page', home),
    actors,
    unmapped,
  };
}

/** Reads and checks a mapping file; every mistake names the file and the key. */
export function readLogMapping(path: string): LogMapping {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (error) {
    throw new WeftError('NOT_FOUND', `Cannot read the log mapping ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw mappingError(path, '', `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(value)) throw mappingError(path, '', 'must be a JSON object');
  if (value['format'] !== 'weft-log-mapping') throw mappingError(path, 'format', `must be "weft-log-mapping" (the file ${basename(path)} is taken for a log mapping because of its name)`);
  for (const key of Object.keys(value)) {
    if (!TOP_KEYS.has(key)) throw mappingError(path, key, `unknown key; the keys are ${[...TOP_KEYS].join(', ')}`);
  }
  const columns = value['columns'];
  if (columns !== undefined && !isRecord(columns)) throw mappingError(path, 'columns', 'must be an object');
  const verbs = value['verbs'] ?? {};
  if (!isRecord(verbs)) throw mappingError(path, 'verbs', 'must be an object of verb IRI → event kind');
  for (const [iri, kind] of Object.entries(verbs)) text(path, `verbs.${iri}`, kind);
  const zone = value['time_zone'];
  if (zone !== undefined && (typeof zone !== 'string' || !isKnownTimeZone(zone))) throw mappingError(path, 'time_zone', 'must be an IANA time zone name (Europe/Berlin, America/New_York, ...)');
  return {
    path,
    sha256: createHash('sha256').update(raw).digest('hex'),
    participants: value['participants'] === undefined ? null : participantRules(path, value['participants']),
    columns: (columns ?? null) as Record<string, unknown> | null,
    verbs: verbs as Record<string, string>,
    timeZone: (zone ?? null) as string | null,
  };
}
