/**
 * WSK test support: a test client with event recorders, the interoperability suite every
 * transport runs (`describeWskInterop`), and a watch for handles left behind.
 * @module
 */
export * from './describe-wsk-conformance';
export * from './describe-wsk-interop';
export * from './handle-watch';
export * from './wsk-test-client';
