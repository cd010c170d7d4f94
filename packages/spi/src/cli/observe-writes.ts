import type { CatalogStore } from '../catalog/catalog-store';

/**
 * `store`, unchanged, except that every write it stores (an `update` whose mutation returned
 * true) is counted and reported to `onWrite` — how `catalog reset` shows progress without knowing
 * how the catalog functions it calls use the store. Every other member, present or added later,
 * is the store's own.
 */
export function observeWrites(store: CatalogStore, onWrite: (writes: number) => void): CatalogStore {
  let writes = 0;
  const update: CatalogStore['update'] = (mutate) => {
    const written = store.update(mutate);
    if (written) onWrite(++writes);
    return written;
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'update') return update;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
