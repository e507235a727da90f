import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabDef<T extends string> {
  id: T;
  label: ReactNode;
  testId?: string;
}

interface Props<T extends string> {
  tabs: TabDef<T>[];
  selected: T;
  onSelect: (id: T) => void;
  /** Prefix of the tab and panel element ids. */
  idBase: string;
  label: string;
}

/** The element ids of a tab and of its panel, so the panel can point back at its tab. */
export function tabIds(idBase: string, id: string): { tab: string; panel: string } {
  return { tab: `${idBase}-tab-${id}`, panel: `${idBase}-panel-${id}` };
}

/**
 * A WAI-ARIA tab list: one tab stop, arrow keys (and Home/End) move between tabs and select them,
 * as the APG "tabs with automatic activation" pattern does.
 */
export function WorkTabs<T extends string>({ tabs, selected, onSelect, idBase, label }: Props<T>) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const move = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((tab) => tab.id === selected);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = tabs[(next + tabs.length) % tabs.length]!;
    onSelect(target.id);
    refs.current.get(target.id)?.focus();
  };
  return (
    <div className="work-tabs" role="tablist" aria-label={label} onKeyDown={move}>
      {tabs.map((tab) => {
        const ids = tabIds(idBase, tab.id);
        const active = tab.id === selected;
        return (
          <button
            key={tab.id}
            ref={(el) => {
              if (el) refs.current.set(tab.id, el);
              else refs.current.delete(tab.id);
            }}
            type="button"
            role="tab"
            id={ids.tab}
            aria-selected={active}
            // Only the selected panel is rendered: pointing at an absent id would be an ARIA error.
            aria-controls={active ? ids.panel : undefined}
            tabIndex={active ? 0 : -1}
            className="work-tab"
            data-testid={tab.testId}
            onClick={() => onSelect(tab.id)}
          >
            {tab.label}
          </button>
        );
      })}
    </div>
  );
}
