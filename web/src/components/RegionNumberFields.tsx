/** The sides of a rectangle on an image, in the order they are typed. */
export const REGION_FIELDS = ['x', 'y', 'width', 'height'] as const;
export type RegionField = (typeof REGION_FIELDS)[number];

interface Props {
  /** Prefix of the inputs' ids (the form's `useId`). */
  idPrefix: string;
  /** The values as typed (strings while editing). */
  values: Record<RegionField, string | number>;
  label: (field: RegionField) => string;
  onChange: (field: RegionField, value: string) => void;
  invalid?: boolean;
  describedBy?: string;
}

/**
 * The four whole-pixel inputs of a region (x and y from 0, width and height from 1), each with its
 * label; the caller places them (a row, a grid) and checks them against the image.
 */
export function RegionNumberFields({ idPrefix, values, label, onChange, invalid, describedBy }: Props) {
  return (
    <>
      {REGION_FIELDS.map((field) => (
        <div className="field" key={field}>
          <label htmlFor={`${idPrefix}-${field}`}>{label(field)}</label>
          <input
            id={`${idPrefix}-${field}`}
            type="number"
            inputMode="numeric"
            min={field === 'width' || field === 'height' ? 1 : 0}
            step={1}
            value={values[field]}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            onChange={(e) => onChange(field, e.target.value)}
          />
        </div>
      ))}
    </>
  );
}
