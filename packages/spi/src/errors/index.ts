export * from './wsa-error';
