import type { ByteHeap } from '../jsonBytes.js';
import type { RowWriter } from '../rowBytes.js';
import type { DelimitedRecord } from '../textReader.js';
import { kcsOf } from './logDataShop.js';
import type { Header } from './tabular.js';

/** Columns mapped to their own event fields; everything else is kept in attributes. */
const MAPPED = new Set([
  'Anon Student Id', 'Session Id', 'Time', 'Time Zone', 'Duration (sec)', 'Student Response Type', 'Problem Name',
  'Step Name', 'Selection', 'Action', 'Input', 'Outcome', 'Attempt At Step', 'Feedback Text', 'Row',
]);

const KC = /^KC \((.+)\)$/;
const KC_CATEGORY = /^KC Category \((.+)\)$/;
const LEVEL = /^Level \((.+)\)$/;
const CF = /^CF \((.+)\)$/;

/** The columns of one name; DataShop repeats names (three "Level (Container)" columns, say). */
interface NamedColumns {
  readonly name: string;
  readonly indices: readonly number[];
}

/** Where each kind of column of a DataShop transaction export is, worked out once from the header. */
export interface DatashopLayout {
  readonly width: number;
  readonly student: number;
  readonly time: number;
  readonly zone: number;
  readonly session: number;
  readonly duration: number;
  readonly responseType: number;
  readonly problem: number;
  readonly step: number;
  readonly selection: number;
  readonly action: number;
  readonly input: number;
  readonly outcome: number;
  readonly attempt: number;
  readonly feedback: number;
  readonly kcModels: { readonly model: string; readonly indices: readonly number[] }[];
  readonly kcCategories: NamedColumns[];
  readonly levels: NamedColumns[];
  readonly customFields: NamedColumns[];
  readonly conditions: { readonly name: number; readonly type: number }[];
  readonly other: NamedColumns[];
}

function byName(columns: readonly { name: string; index: number }[], pattern?: RegExp): NamedColumns[] {
  const groups = new Map<string, number[]>();
  for (const { name, index } of columns) {
    const key = pattern === undefined ? name : (pattern.exec(name)?.[1] ?? name);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  }
  return [...groups].map(([name, indices]) => ({ name, indices }));
}

export function datashopLayout(header: Header): DatashopLayout {
  const at = (name: string): number => header.index(name) ?? -1;
  const kcByModel = new Map<string, number[]>();
  for (const { name, index } of header.matching(KC)) {
    const model = KC.exec(name)?.[1] ?? name;
    kcByModel.set(model, [...(kcByModel.get(model) ?? []), index]);
  }
  const conditionNames = header.all('Condition Name');
  const conditionTypes = header.all('Condition Type');
  const handled = new Set<number>([
    ...[...kcByModel.values()].flat(),
    ...header.matching(KC_CATEGORY).map((c) => c.index),
    ...header.matching(LEVEL).map((c) => c.index),
    ...header.matching(CF).map((c) => c.index),
    ...conditionNames,
    ...conditionTypes,
  ]);
  return {
    width: header.width,
    student: at('Anon Student Id'),
    time: at('Time'),
    zone: at('Time Zone'),
    session: at('Session Id'),
    duration: at('Duration (sec)'),
    responseType: at('Student Response Type'),
    problem: at('Problem Name'),
    step: at('Step Name'),
    selection: at('Selection'),
    action: at('Action'),
    input: at('Input'),
    outcome: at('Outcome'),
    attempt: at('Attempt At Step'),
    feedback: at('Feedback Text'),
    kcModels: [...kcByModel].map(([model, indices]) => ({ model, indices })),
    kcCategories: byName(header.matching(KC_CATEGORY), KC_CATEGORY),
    levels: byName(header.matching(LEVEL), LEVEL),
    customFields: byName(header.matching(CF), CF),
    conditions: conditionNames.map((name, k) => ({ name, type: conditionTypes[k] ?? -1 })),
    other: byName(
      header.record.fields.map((raw, index) => ({ name: raw.trim(), index })).filter(({ name, index }) => name !== '' && !MAPPED.has(name) && !handled.has(index)),
    ),
  };
}

/** The row's skill: the KCs of the first KC model, ";"-separated. */
export function skillOf(layout: DatashopLayout, record: DelimitedRecord): string | null {
  const first = layout.kcModels[0];
  if (first === undefined) return null;
  const values = kcsOf(record, first.indices);
  return values.length === 0 ? null : values.join(';');
}

/** The first condition the row names, which a session with only one takes as its lesson variant. */
export function conditionOf(layout: DatashopLayout, record: DelimitedRecord): string | null {
  for (const { name } of layout.conditions) {
    const value = record.field(name);
    if (value) return value;
  }
  return null;
}

const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
const LEFT_BRACKET = 0x5b;
const RIGHT_BRACKET = 0x5d;
const COMMA = 0x2c;

const textEncoder = new TextEncoder();
/** `"key":` as UTF-8, made once per file. */
const keyBytes = (key: string): Uint8Array => textEncoder.encode(`${JSON.stringify(key)}:`);

/** The groups' keys, written after the session and the other columns, in this order. */
const GROUP_KEYS = ['levels', 'kc', 'kc_category', 'cf', 'conditions'] as const;
/** Keys Weft gives attributes itself; a column that happens to have one of these names is kept as "<name> (column)". */
const OWN_KEYS = new Set<string>(['session', ...GROUP_KEYS]);
const LEVELS = keyBytes('levels');
const KCS = keyBytes('kc');
const KC_CATEGORIES = keyBytes('kc_category');
const CUSTOM_FIELDS = keyBytes('cf');
const CONDITIONS = keyBytes('conditions');
const CONDITION_NAME = textEncoder.encode('{"name":');
const CONDITION_TYPE = textEncoder.encode(',"type":');

/** The columns of one attribute key; a key the header repeats becomes a list. */
interface KeyedColumns {
  readonly key: Uint8Array;
  readonly indices: readonly number[];
}

const keyed = (groups: readonly NamedColumns[]): KeyedColumns[] => groups.map(({ name, indices }) => ({ key: keyBytes(name), indices }));

/**
 * How the cells of a row become its attributes JSON, worked out once from the layout: every
 * column without an event field of its own, as
 * `{"session", <other columns>, "levels": {…}, "kc": {<model>: […]}, "kc_category": {…}, "cf": {…}, "conditions": [{"name", "type"}]}`,
 * empty cells and empty groups left out. Written straight from the cells into the column's
 * bytes, without an object per row: these attributes are most of what a DataShop import writes.
 */
export class DatashopAttributesPlan implements RowWriter {
  /** The session, then the other columns: the top-level members that hold cells. */
  private readonly topCells: KeyedColumns[];
  private readonly levels: KeyedColumns[];
  private readonly kcModels: KeyedColumns[];
  private readonly kcCategories: KeyedColumns[];
  private readonly customFields: KeyedColumns[];
  private readonly conditions: DatashopLayout['conditions'];
  /** Each top-level key, in writing order. */
  readonly keyNames: readonly string[];
  /** The flags of the row being written: where its keys start in them. */
  private keys: Uint8Array = new Uint8Array(0);
  private keysAt = 0;

  constructor(layout: DatashopLayout) {
    const other = layout.other.map(({ name, indices }) => ({ name: OWN_KEYS.has(name) ? `${name} (column)` : name, indices }));
    const topCells = [{ name: 'session', indices: [layout.session] }, ...other];
    this.topCells = keyed(topCells);
    this.keyNames = [...topCells.map((c) => c.name), ...GROUP_KEYS];
    this.levels = keyed(layout.levels);
    this.kcModels = keyed(layout.kcModels.map(({ model, indices }) => ({ name: model, indices })));
    this.kcCategories = keyed(layout.kcCategories);
    this.customFields = keyed(layout.customFields);
    this.conditions = layout.conditions;
  }

  write(heap: ByteHeap, record: DelimitedRecord, keys: Uint8Array, keysAt: number): void {
    this.keys = keys;
    this.keysAt = keysAt;
    heap.byte(LEFT_BRACE);
    let members = this.cells(heap, record, this.topCells, 0, 0);
    const groups = this.topCells.length;
    members = this.object(heap, record, LEVELS, this.levels, members, groups);
    members = this.kcs(heap, record, members, groups + 1);
    members = this.object(heap, record, KC_CATEGORIES, this.kcCategories, members, groups + 2);
    members = this.object(heap, record, CUSTOM_FIELDS, this.customFields, members, groups + 3);
    this.conditionList(heap, record, members, groups + 4);
    heap.byte(RIGHT_BRACE);
  }

  /**
   * Members for the non-empty cells of each key: a string, or a list for a repeated key; a
   * member is written first and taken back if its cells are empty. Returns the count of members so far.
   */
  private cells(heap: ByteHeap, record: DelimitedRecord, groups: readonly KeyedColumns[], members: number, firstSlot: number | null): number {
    for (let g = 0; g < groups.length; g += 1) {
      const { key, indices } = groups[g] as KeyedColumns;
      const slot = firstSlot === null ? null : firstSlot + g;
      if (indices.length > 1) {
        const start = this.begin(heap, key, LEFT_BRACKET, members);
        let values = 0;
        for (const index of indices) {
          const before = heap.used;
          if (values > 0) heap.byte(COMMA);
          if (record.writeJsonString(index, heap)) values += 1;
          else heap.used = before;
        }
        members = this.end(heap, start, RIGHT_BRACKET, values, members, slot);
        continue;
      }
      const start = heap.used;
      if (members > 0) heap.byte(COMMA);
      heap.writeBytes(key);
      if (!record.writeJsonString(indices[0] as number, heap)) {
        heap.used = start;
        continue;
      }
      members += 1;
      if (slot !== null) this.keys[this.keysAt + slot] = 1;
    }
    return members;
  }

  /**
   * Starts a member holding an object or a list (`bracket`): written now, so that its items can
   * follow, and taken back by `end` if none did. Returns where it starts.
   */
  private begin(heap: ByteHeap, key: Uint8Array, bracket: number, members: number): number {
    const start = heap.used;
    if (members > 0) heap.byte(COMMA);
    heap.writeBytes(key);
    heap.byte(bracket);
    return start;
  }

  /**
   * Closes a member `begin` started, or takes it back when it has no items; a top-level member
   * (one with a slot) is noted as written. Returns the count of members so far.
   */
  private end(heap: ByteHeap, start: number, bracket: number, items: number, members: number, slot: number | null): number {
    if (items === 0) {
      heap.used = start;
      return members;
    }
    heap.byte(bracket);
    if (slot !== null) this.keys[this.keysAt + slot] = 1;
    return members + 1;
  }

  /** A member holding an object of the groups' cells. */
  private object(heap: ByteHeap, record: DelimitedRecord, key: Uint8Array, groups: readonly KeyedColumns[], members: number, slot: number): number {
    const start = this.begin(heap, key, LEFT_BRACE, members);
    return this.end(heap, start, RIGHT_BRACE, this.cells(heap, record, groups, 0, null), members, slot);
  }

  private kcs(heap: ByteHeap, record: DelimitedRecord, members: number, slot: number): number {
    const start = this.begin(heap, KCS, LEFT_BRACE, members);
    let models = 0;
    for (const { key, indices } of this.kcModels) {
      const values = kcsOf(record, indices);
      if (values.length === 0) continue;
      if (models > 0) heap.byte(COMMA);
      models += 1;
      heap.writeBytes(key);
      heap.byte(LEFT_BRACKET);
      values.forEach((value, i) => {
        if (i > 0) heap.byte(COMMA);
        heap.jsonString(value);
      });
      heap.byte(RIGHT_BRACKET);
    }
    return this.end(heap, start, RIGHT_BRACE, models, members, slot);
  }

  private conditionList(heap: ByteHeap, record: DelimitedRecord, members: number, slot: number): void {
    const start = this.begin(heap, CONDITIONS, LEFT_BRACKET, members);
    let written = 0;
    for (const { name, type } of this.conditions) {
      const value = record.field(name);
      if (!value) continue;
      if (written > 0) heap.byte(COMMA);
      written += 1;
      heap.writeBytes(CONDITION_NAME);
      heap.jsonString(value);
      heap.writeBytes(CONDITION_TYPE);
      heap.jsonString(type < 0 ? '' : (record.field(type) ?? ''));
      heap.byte(RIGHT_BRACE);
    }
    this.end(heap, start, RIGHT_BRACKET, written, members, slot);
  }
}
