import type { ReactNode, Ref } from 'react';

/** Why a save failed: someone else saved first (`conflict`), or the server's message. */
export interface SaveError { conflict: boolean; message: string }

interface Props {
  error: SaveError | null;
  /** What the form itself found wrong, one `<li>` each (shown when there is no server error). */
  problems: ReactNode;
  /** Messages in the reader's language: the conflict, the reload button, a server error, the problems' heading. */
  text: { conflict: string; reload: string; error: (message: string) => string; problems: string };
  /** Shows the server's words under the conflict message too. */
  conflictDetail?: boolean;
  onReload: () => void;
  /** Focused when the notice appears, so screen readers announce it and the keyboard lands on it. */
  focusRef: Ref<HTMLDivElement>;
}

/** The one error notice of an editing form: a version conflict (with reload), a server error, or the form's problems. */
export function SaveErrorNotice({ error, problems, text, conflictDetail = false, onReload, focusRef }: Props) {
  return (
    <div className="notice notice-error" role="alert" tabIndex={-1} ref={focusRef}>
      {error?.conflict ? (
        <>
          <p>{text.conflict}</p>
          {conflictDetail && <p className="muted">{error.message}</p>}
          <button type="button" className="button" onClick={onReload}>
            {text.reload}
          </button>
        </>
      ) : error ? (
        <p>{text.error(error.message)}</p>
      ) : (
        <>
          <p>{text.problems}</p>
          <ul>{problems}</ul>
        </>
      )}
    </div>
  );
}
