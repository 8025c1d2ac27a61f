import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteHeap, isPlainJson } from '../../../src/backend/import/jsonBytes.js';
import { TableAppender } from '../../../src/backend/import/tableAppender.js';
import { createTestStudy, type TestStudy } from '../../support/study.js';

const decoder = new TextDecoder();

function serialised(value: object): string {
  const heap = new ByteHeap();
  heap.writeJson(value);
  return decoder.decode(heap.bytes.subarray(0, heap.used));
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

const nullPrototype = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 'two' });

/** Values an importer's attributes hold, and the corners where JSON.stringify does something particular. */
const CASES: [string, object][] = [
  ['empty object', {}],
  ['empty array', []],
  ['a DataShop row', { session: 'S001', 'Sample Name': 'All Data', levels: { Unit: 'Fractions' }, kc: { Default: ['a', 'b'] }, conditions: [{ name: 'worked', type: 'experimental' }] }],
  ['escapes', { quote: 'say "hi"', backslash: 'C:\\data', controls: 'a\tb\nc\rd\u0000e\u001f', del: '\u007f', html: '<b>&</b>' }],
  ['non-ASCII after ASCII', { text: 'plain then Ünïcödé – “curly” 分数 🧮', key: 'x' }],
  ['non-ASCII keys', { 'Größe (cm)': 170, 'ключ': 'значение', '分数': ['½'] }],
  ['lone surrogates', { high: 'a\ud800b', low: '\udc00', pair: '\ud83e\uddee' }],
  ['numbers', { int: 42, negative: -7, zero: -0, fraction: 0.1 + 0.2, big: 1e21, small: 5e-7, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, ninf: Number.NEGATIVE_INFINITY }],
  ['booleans and null', { yes: true, no: false, nothing: null }],
  ['undefined, functions and symbols in an object are left out', { a: undefined, b: 1, c: () => 1, d: Symbol('s'), e: 'kept' }],
  ['and become null in an array', [undefined, 1, () => 1, Symbol('s'), null, Number.NaN]],
  ['holes', [1, , 3]],
  ['integer-like keys come first, ascending', { b: 1, 2: 'two', a: 3, 1: 'one' }],
  ['a Date and an object with toJSON go through JSON.stringify', { at: new Date(Date.UTC(2026, 2, 2, 14, 0, 0)), custom: { toJSON: () => ({ replaced: true }) } }],
  ['a class instance and a Map', { point: new Point(1, 2), map: new Map([['k', 1]]) }],
  ['a null-prototype object', { inner: nullPrototype }],
  ['deep nesting', { a: [{ b: [{ c: [[[{ d: 'deep' }]]] }] }] }],
  ['a long string', { long: 'x'.repeat(100_000) + '"' }],
];

describe('ByteHeap.writeJson', () => {
  it.each(CASES)('writes the UTF-8 of JSON.stringify byte for byte: %s', (_, value) => {
    expect(serialised(value)).toBe(JSON.stringify(value));
  });

  it('appends after what the heap already holds, growing as needed', () => {
    const heap = new ByteHeap();
    const first = heap.writeText('prefix|');
    const values = Array.from({ length: 2000 }, (_, i) => ({ i, text: `value ${i} ${'é'.repeat(i % 7)}` }));
    for (const value of values) heap.writeJson(value);
    expect(first).toBe(7);
    expect(decoder.decode(heap.bytes.subarray(0, heap.used))).toBe(`prefix|${values.map((v) => JSON.stringify(v)).join('')}`);
  });

  it('takes plain objects and arrays, not dates, maps or class instances', () => {
    expect([{}, [], nullPrototype, { toJSON: 1 }].map(isPlainJson)).toEqual([true, true, true, true]);
    expect([new Date(), new Map(), new Point(0, 0), { toJSON: () => 1 }].map(isPlainJson)).toEqual([false, false, false, false]);
  });
});

describe('a JSON column filled from objects', () => {
  let study: TestStudy;
  beforeAll(async () => {
    study = await createTestStudy();
  });
  afterAll(async () => {
    await study.close();
  });

  it('reads back as the text JSON.stringify gives, short and long, between strings that share their bytes', async () => {
    const longText = '{"a text value":"longer than twelve bytes"}';
    const valueAt = (i: number): unknown => {
      switch (i % 6) {
        case 0:
          return {};
        case 1:
          return { a: i };
        case 2:
          return longText;
        case 3:
          return { row: i, text: `é ${i}`, list: [i, null, 'x'] };
        case 4:
          return longText;
        default:
          return i % 12 === 5 ? null : [i, { nested: 'value that is long enough' }];
      }
    };
    const count = 2048 + 500;
    await study.workspace.study.db.write(async (conn) => {
      const appender = await TableAppender.open(conn, 'events');
      for (let i = 0; i < count; i += 1) appender.append([60, 'S-json', i, null, 'k', null, null, null, null, null, null, null, null, null, null, valueAt(i)]);
      appender.close();
    });
    const got = await study.workspace.study.db.read((conn) => conn.all(`SELECT CAST(attributes AS VARCHAR) AS a FROM weft.events WHERE stream_id = 60 ORDER BY t_us`));
    expect(got.map((r) => r['a'])).toEqual(
      Array.from({ length: count }, (_, i) => {
        const value = valueAt(i);
        return value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);
      }),
    );
  });
});
