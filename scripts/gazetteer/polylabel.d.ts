// polylabel 2.x ships no types; the one function the generator uses.
declare module 'polylabel' {
  export default function polylabel(polygon: number[][][], precision?: number): [number, number] & { distance: number };
}
