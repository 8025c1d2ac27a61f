import { createHash } from 'node:crypto';
import { participantIdSchema } from '../../../core/api/schemas.js';
import { WeftError } from '../../../core/errors.js';
import type { ImportSink } from '../types.js';
import { type ActorEntry, type ActorRule, type LogMapping, mappingError } from './logMapping.js';

/**
 * An actor as a log identifies it. E-mail addresses, names and IP addresses identify people
 * directly, so Weft never stores them: an actor becomes a participant only through the study's
 * own mapping (an actor map, a declared rule, or --participant for a one-actor file).
 */
export interface ActorIdentity {
  /** A mailto IRI. */
  readonly mbox?: string;
  readonly mboxSha1sum?: string;
  readonly openid?: string;
  readonly account?: { readonly homePage: string; readonly name: string };
  /** The actor's IRI (Caliper). */
  readonly actorId?: string;
  readonly moodleUserId?: string;
  /**
   * A digest of the actor's name, when the log has nothing else: it only tells one actor from
   * another within a file, and is never matched against the map or stored.
   */
  readonly nameDigest?: string;
}

/** How an actor is identified, for messages: the kind of identifier, never its value. */
export function identifiedBy(actor: ActorIdentity): string {
  if (actor.mbox !== undefined) return 'an mbox (e-mail address)';
  if (actor.mboxSha1sum !== undefined) return 'an mbox_sha1sum';
  if (actor.openid !== undefined) return 'an openid';
  if (actor.account !== undefined) return 'an account';
  if (actor.actorId !== undefined) return 'an IRI';
  if (actor.moodleUserId !== undefined) return 'a Moodle user id';
  if (actor.nameDigest !== undefined) return 'only a name';
  return 'nothing';
}

/** The mailto IRI with its domain in lower case, as xAPI hashes it for mbox_sha1sum. */
function canonicalMbox(mbox: string): string {
  const address = mbox.trim().replace(/^mailto:/i, '');
  const at = address.lastIndexOf('@');
  return `mailto:${at < 0 ? address : `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`}`;
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** Keys an actor can be matched by; an mbox is matched through its SHA-1, so e-mail addresses are never kept in memory maps. */
function keysOf(actor: ActorIdentity): string[] {
  const keys: string[] = [];
  if (actor.mbox !== undefined) keys.push(`sha1:${sha1(canonicalMbox(actor.mbox))}`);
  if (actor.mboxSha1sum !== undefined) keys.push(`sha1:${actor.mboxSha1sum.toLowerCase()}`);
  if (actor.openid !== undefined) keys.push(`openid:${actor.openid}`);
  if (actor.account !== undefined) keys.push(`account:${actor.account.homePage}\u0000${actor.account.name}`);
  if (actor.actorId !== undefined) keys.push(`id:${actor.actorId}`);
  if (actor.moodleUserId !== undefined) keys.push(`moodle:${actor.moodleUserId}`);
  if (actor.nameDigest !== undefined) keys.push(`name:${actor.nameDigest}`);
  return keys;
}

function entryKey(entry: ActorEntry): string {
  switch (entry.key) {
    case 'mbox':
      return `sha1:${sha1(canonicalMbox(entry.value))}`;
    case 'mbox_sha1sum':
      return `sha1:${entry.value.toLowerCase()}`;
    case 'openid':
      return `openid:${entry.value}`;
    case 'account':
      return `account:${entry.homePage ?? ''}\u0000${entry.value}`;
    case 'actor_id':
      return `id:${entry.value}`;
    case 'moodle_user_id':
      return `moodle:${entry.value}`;
  }
}

export type Resolution =
  | { readonly kind: 'participant'; readonly participantId: string }
  /** No mapping: the file must be one actor's, and --participant or a manifest says who. */
  | { readonly kind: 'override' }
  | { readonly kind: 'skip' };

/**
 * Turns the actors of a log into participants by the study's rules, in this order: the actor map
 * of the log's mapping file; the rule it declares (`from_actor`); otherwise the file must hold one
 * actor, whose participant the import names (--participant or a manifest).
 */
export class ParticipantResolver {
  private readonly map = new Map<string, string>();
  private firstActor: { keys: string[]; where: string } | undefined;
  private skipped: { statements: number; actors: Set<string>; where: string } | undefined;

  constructor(
    private readonly path: string,
    private readonly mapping: LogMapping | null,
    applicableRules: readonly ActorRule[],
    /** What the format calls its items, in the plural ("statements"). */
    private readonly unit: string,
  ) {
    const rules = mapping?.participants;
    if (rules === null || rules === undefined || mapping === null) return;
    if (rules.fromActor !== null && !applicableRules.includes(rules.fromActor)) {
      throw mappingError(mapping.path, 'participants.from_actor', `"${rules.fromActor}" does not apply to this log; it can use ${applicableRules.join(' or ')}`);
    }
    for (const entry of rules.actors) {
      const key = entryKey(entry);
      const earlier = this.map.get(key);
      if (earlier !== undefined && earlier !== entry.participant) throw mappingError(mapping.path, entry.field, `maps an actor already mapped to "${earlier}" to "${entry.participant}"`);
      this.map.set(key, entry.participant);
    }
  }

  /** How to have the log's actors become participants, for an import that names none; undefined when the mapping does so already. */
  get advice(): string | undefined {
    if (this.mapping?.participants !== null && this.mapping?.participants !== undefined) return undefined;
    return `map its ${this.unit}' actors to participants in ${this.mapping?.path ?? `${this.path}.mapping.json`} (participants.actors, or a participants.from_actor rule; docs/formats.md, "People")`;
  }

  /** What the stream's provenance says about how its participant was found (never an identifier). */
  get rule(): string {
    const rules = this.mapping?.participants;
    if (rules === null || rules === undefined) return 'one actor per file; the participant is the one the import names (--participant or a manifest)';
    const parts: string[] = [];
    if (rules.actors.length > 0) parts.push(`actor map in ${this.mapping?.path ?? ''} (sha256 ${this.mapping?.sha256 ?? ''})`);
    if (rules.fromActor !== null) parts.push(`participant id from the actor's ${rules.fromActor}${rules.accountHomePage === null ? '' : ` (accounts on ${rules.accountHomePage})`}, as the study's mapping declares`);
    parts.push(rules.unmapped === 'skip' ? 'actors it does not cover are skipped' : 'actors it does not cover are an error');
    return parts.join('; ');
  }

  /** The participant of an actor; `where` names the statement or row for messages. */
  resolve(actor: ActorIdentity, where: string, location: { line: number; column?: number }): Resolution {
    const keys = keysOf(actor);
    const rules = this.mapping?.participants;
    if (rules === null || rules === undefined) return this.single(keys, actor, where, location);
    for (const key of keys) {
      const mapped = this.map.get(key);
      if (mapped !== undefined) return { kind: 'participant', participantId: mapped };
    }
    const derived = this.derive(actor, rules.fromActor, rules.accountHomePage);
    if (derived !== null) {
      if (!participantIdSchema.safeParse(derived).success) {
        throw this.error(location, `${where}: the actor's ${rules.fromActor ?? ''} "${derived}" cannot be used as a participant id`);
      }
      return { kind: 'participant', participantId: derived };
    }
    if (rules.unmapped === 'skip') {
      this.skipped ??= { statements: 0, actors: new Set(), where };
      this.skipped.statements += 1;
      this.skipped.actors.add(keys[0] ?? '');
      return { kind: 'skip' };
    }
    throw this.error(
      location,
      `${where}: its actor (identified by ${identifiedBy(actor)}) is not in the actor map of ${this.mapping?.path ?? ''}${rules.fromActor === null ? '' : ` and participants.from_actor (${rules.fromActor}) does not apply to it`}; add it to participants.actors, or set participants.unmapped to "skip"`,
    );
  }

  private derive(actor: ActorIdentity, rule: ActorRule | null, homePage: string | null): string | null {
    switch (rule) {
      case 'account_name':
        return actor.account === undefined || (homePage !== null && actor.account.homePage !== homePage) ? null : actor.account.name;
      case 'mbox_sha1sum':
        return actor.mboxSha1sum?.toLowerCase() ?? (actor.mbox === undefined ? null : sha1(canonicalMbox(actor.mbox)));
      case 'actor_id':
        return actor.actorId ?? null;
      case 'moodle_user_id':
        return actor.moodleUserId ?? null;
      case null:
        return null;
    }
  }

  private single(keys: string[], actor: ActorIdentity, where: string, location: { line: number; column?: number }): Resolution {
    if (this.firstActor === undefined) {
      this.firstActor = { keys, where };
      return { kind: 'override' };
    }
    if (keys.some((k) => this.firstActor?.keys.includes(k))) return { kind: 'override' };
    throw this.error(
      location,
      `${where} is by a different actor (identified by ${identifiedBy(actor)}) than ${this.firstActor.where}, and nothing maps this log's actors to participants. Weft never uses e-mail addresses or names as participant ids: put an actor map (or a from_actor rule) in ${this.path}.mapping.json, see docs/formats.md`,
    );
  }

  private error(location: { line: number; column?: number }, message: string): WeftError {
    return new WeftError('PARSE_ERROR', `${this.path}:${location.line}${location.column === undefined ? '' : `:${location.column}`}: ${message}`, {
      location: { file: this.path, line: location.line, ...(location.column === undefined ? {} : { column: location.column }) },
    });
  }

  flushWarnings(sink: ImportSink): void {
    if (this.skipped === undefined) return;
    const { statements, actors, where } = this.skipped;
    sink.warn({
      message: `${statements} ${statements === 1 ? this.unit.replace(/s$/, '') : this.unit} of ${actors.size} actor${actors.size === 1 ? '' : 's'} not in the actor map ${statements === 1 ? 'was' : 'were'} skipped, as the mapping's participants.unmapped says (first: ${where})`,
      location: { file: this.path },
      count: statements,
    });
  }
}
