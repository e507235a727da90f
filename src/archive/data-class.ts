/**
 * Data classification of works and collections: the categories of China's Data Security Law, from
 * least to most protected. A work's effective class is the strictest of its own and its collections'.
 */
export const DATA_CLASSES = ['public', 'internal', 'important', 'core'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** How strict a class is (public 0 … core 3). */
export function classRank(dataClass: DataClass): number {
  return DATA_CLASSES.indexOf(dataClass);
}

/** The strictest of some classes (public when there are none). */
export function strictestClass(classes: readonly DataClass[]): DataClass {
  return classes.reduce<DataClass>((a, b) => (classRank(b) > classRank(a) ? b : a), 'public');
}

/** A stored value as a class (anything unknown reads as the strictest, never as public). */
export function asDataClass(value: string | null | undefined): DataClass {
  return (DATA_CLASSES as readonly string[]).includes(value ?? '') ? (value as DataClass) : 'core';
}
