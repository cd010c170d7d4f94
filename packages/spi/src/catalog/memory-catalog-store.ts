import type { CatalogState } from './catalog-state';
import { cloneCatalogState, emptyCatalogState } from './catalog-state';
import type { CatalogStore } from './catalog-store';

/**
 * The default store: the catalog lives in this object only, for tests and for applications that
 * embed ws2spi and build their catalog in code. Every read and write copies, so nothing outside
 * can change the stored state except through `update`.
 */
export class MemoryCatalogStore implements CatalogStore {
  readonly location = 'memory';
  #state: CatalogState;

  /** A store holding `initial` (copied), or a fresh empty catalog. */
  constructor(initial?: CatalogState) {
    this.#state = initial ? cloneCatalogState(initial) : emptyCatalogState();
  }

  read(): CatalogState {
    return cloneCatalogState(this.#state);
  }

  update(mutate: (state: CatalogState) => boolean): boolean {
    const draft = cloneCatalogState(this.#state);
    const commit = mutate(draft);
    // Only a committed draft replaces the state, so a mutate that fails half-way leaves no trace.
    if (commit) this.#state = draft;
    return commit;
  }
}
