import type { ComponentChildren } from 'preact';

interface FormRowProps {
  /** The id of the control the label names. */
  readonly id: string;
  readonly label: string;
  readonly hint?: string | undefined;
  /** The API's message for this input, if it refused it. */
  readonly error?: string | null;
  readonly children: ComponentChildren;
}

/** The ids that describe a control: its hint, then its error. Give the result to aria-describedby. */
export function describedBy(id: string, hint: string | undefined, error: string | null | undefined): string | undefined {
  const ids = [hint === undefined ? null : `${id}-hint`, error === null || error === undefined ? null : `${id}-error`].filter((x): x is string => x !== null);
  return ids.length === 0 ? undefined : ids.join(' ');
}

/** A labelled control with its hint and its error message beneath. */
export function FormRow({ id, label, hint, error, children }: FormRowProps) {
  const invalid = error !== null && error !== undefined;
  return (
    <div class={invalid ? 'form-row is-invalid' : 'form-row'}>
      <label for={id} class="form-row__label">
        {label}
      </label>
      {children}
      {hint === undefined ? null : (
        <p id={`${id}-hint`} class="form-row__hint">
          {hint}
        </p>
      )}
      {invalid ? (
        <p id={`${id}-error`} class="form-row__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
