// One jest config for the whole workspace: tests run against the packages' TypeScript sources
// (no pre-build), transformed by @swc/jest with legacy decorators and decorator metadata on,
// because tsyringe resolves classes by their emitted constructor types.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/examples', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  setupFiles: ['reflect-metadata'],
  moduleNameMapper: {
    '^@ws2spi/spi$': '<rootDir>/packages/spi/src/index.ts',
    '^@ws2spi/spi/testing$': '<rootDir>/packages/spi/src/testing/index.ts',
    '^@ws2spi/spi/wsk$': '<rootDir>/packages/spi/src/wsk/index.ts',
    '^@ws2spi/providers-tcp$': '<rootDir>/packages/providers-tcp/src/index.ts',
    '^@ws2spi/providers-osi$': '<rootDir>/packages/providers-osi/src/index.ts',
  },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  testTimeout: 20000,
};
