import { useState, type DragEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n';

export interface FileDropZoneProps {
  /** Id of the file input (its label is the visible button). */
  id: string;
  testId: string;
  /** The button's text, which is also the input's accessible name. */
  label: string;
  /** The sentence inviting a drop ("Drop files here"). */
  hint: string;
  accept?: string;
  multiple?: boolean;
  /** The large zone with an "or" between the hint and the button (upload, scan); else a compact one. */
  large?: boolean;
  onFiles: (files: File[]) => void;
  children?: ReactNode;
}

/**
 * A file drop area around a visually hidden (still focusable, keyboard-operable) file input whose
 * label is the visible button. Pointer users drop or click; keyboard users Tab to the input and
 * press Space or Enter to open the picker. The drop hint is hidden from screen readers, which
 * cannot drag anyway.
 */
export function FileDropZone({ id, testId, label, hint, accept, multiple = false, large = false, onFiles, children }: FileDropZoneProps) {
  const { t } = useI18n();
  const [dragging, setDragging] = useState(false);
  const take = (list: FileList | null) => {
    const files = list ? [...list] : [];
    if (files.length > 0) onFiles(multiple ? files : files.slice(0, 1));
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    take(event.dataTransfer.files);
  };
  return (
    <div
      className={`drop-zone${large ? '' : ' drop-zone-compact'}${dragging ? ' is-dragging' : ''}`}
      onDragEnter={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <p className="drop-zone-text" aria-hidden="true">
        {dragging ? t('upload.dropActive') : hint}
      </p>
      {large && <p aria-hidden="true">{t('upload.or')}</p>}
      <input
        id={id}
        className="file-input"
        type="file"
        accept={accept}
        multiple={multiple}
        data-testid={testId}
        onChange={(e) => {
          take(e.target.files);
          e.target.value = '';
        }}
      />
      <label htmlFor={id} className={`button file-label${large ? ' button-primary' : ''}`}>
        {label}
      </label>
      {children}
    </div>
  );
}
