import { WeftError } from '../../../core/errors.js';

const LISTED = 10;

interface ItemError {
  readonly text: string;
  readonly line: number;
  readonly column: number | undefined;
}

/**
 * The invalid items (statements, events) of a JSON log, one error each, collected over the whole
 * file so that one refusal lists them; the first ten are shown, with the count of the rest.
 */
export class ItemErrors {
  private readonly errors: ItemError[] = [];
  private count = 0;

  constructor(
    private readonly path: string,
    private readonly unit: string,
  ) {}

  get any(): boolean {
    return this.count > 0;
  }

  add(text: string, line: number, column?: number): void {
    this.count += 1;
    if (this.errors.length < LISTED) this.errors.push({ text, line, column });
  }

  /** Refuses the file when any item was invalid. */
  throwIfAny(total: number): void {
    const first = this.errors[0];
    if (first === undefined) return;
    const more = this.count - this.errors.length;
    const list = this.errors.map((e) => `  ${e.text}`).join('\n');
    throw new WeftError(
      'PARSE_ERROR',
      `${this.path}:${first.line}${first.column === undefined ? '' : `:${first.column}`}: ${this.count} of ${total} ${this.unit} ${this.count === 1 ? 'is' : 'are'} invalid, so nothing in the file was imported:\n${list}${more > 0 ? `\n  … and ${more} more` : ''}`,
      { location: { file: this.path, line: first.line, ...(first.column === undefined ? {} : { column: first.column }) }, details: { invalid: this.count, total } },
    );
  }
}
