/**
 * WSK test support: a test client with event recorders, and the interoperability suite every
 * transport runs (`describeWskInterop`).
 * @module
 */
export * from './describe-wsk-interop';
export * from './wsk-test-client';
