interface LoadingStateProps {
  readonly text: string;
  /** Inline: beside a button or in a panel, rather than filling the page. */
  readonly inline?: boolean;
}

export function LoadingState({ text, inline = false }: LoadingStateProps) {
  return (
    <div class={inline ? 'loading loading--inline' : 'loading'} role="status">
      <span class="spinner" aria-hidden="true" />
      {text}
    </div>
  );
}
