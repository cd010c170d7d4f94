export * from './cotp';
