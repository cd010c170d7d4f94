export * from './catalog-entry';
