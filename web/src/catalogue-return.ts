let last = '/works';

/** Remembers the catalogue URL (query included) so a work page can lead back to the same results. */
export function rememberCatalogueHref(href: string): void {
  last = href;
}

/** The last catalogue URL visited in this tab, or the start page. */
export function lastCatalogueHref(): string {
  return last;
}
