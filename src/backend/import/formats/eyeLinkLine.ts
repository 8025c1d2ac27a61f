import { fieldsRecord, type DelimitedRecord } from '../textReader.js';

const TAB = 0x09;
const SPACE = 0x20;
const CR = 0x0d;

function blank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/**
 * The items of one ASC line. EyeLink separates items by "one or more tabs or spaces" (EyeLink
 * 1000 Plus User Manual, 4.9.3); with `limit`, the last item is the rest of the line as written
 * (a message's text keeps its inner spacing). Columns count from 1, for error messages.
 */
export function ascItems(text: string, line: number, limit = Number.POSITIVE_INFINITY): DelimitedRecord {
  const fields: string[] = [];
  const columns: number[] = [];
  let end = text.length;
  while (end > 0 && blank(text.charCodeAt(end - 1))) end -= 1;
  let i = 0;
  while (i < end) {
    while (i < end && blank(text.charCodeAt(i))) i += 1;
    if (i >= end) break;
    const start = i;
    if (fields.length === limit - 1) {
      i = end;
    } else {
      while (i < end && !blank(text.charCodeAt(i))) i += 1;
    }
    fields.push(text.slice(start, i));
    columns.push(start + 1);
  }
  return fieldsRecord(line, fields, columns);
}
