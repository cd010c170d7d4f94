import type { DefaultCatalogProvider } from '../catalog/default-catalog';

/**
 * Everything a CLI command touches outside itself, passed in so tests run commands in-process:
 * the environment, the working directory, and writers for the two output streams.
 */
export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative `--catalog` / `--from` paths are resolved against it. */
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stdout is a terminal: colour (unless `NO_COLOR`). Absent: not a terminal. */
  readonly stdoutIsTTY?: boolean;
  /** True when stderr is a terminal: progress lines and coloured error codes. Absent: not a terminal. */
  readonly stderrIsTTY?: boolean;
  /** For the default catalog location; `process.platform` unless a test pretends otherwise. */
  readonly platform?: NodeJS.Platform;
  /** For the default catalog location; `os.homedir()` unless a test pretends otherwise. */
  readonly homedir?: string;
  /** The providers `catalog reset` installs; `DEFAULT_CATALOG_PROVIDERS` unless a test injects its own. */
  readonly defaultProviders?: readonly DefaultCatalogProvider[];
}

/** Exit status: the command did what it was asked. */
export const EXIT_OK = 0;
/** Exit status: the operation failed (the message on stderr starts with `[WSAE…]` when there is a code). */
export const EXIT_FAILURE = 1;
/** Exit status: the command line itself is wrong (unknown command or option, missing argument). */
export const EXIT_USAGE = 2;

/** A command-line mistake: printed with a hint to `--help`, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The help command to suggest, e.g. `ws2spi catalog order --help`. */
  readonly helpCommand: string;
  constructor(message: string, helpCommand = 'ws2spi --help') {
    super(message);
    this.helpCommand = helpCommand;
  }
}

/** An operation that failed: printed as is (it starts with `[WSAE…]` where a code applies), exit status 1. */
export class OperationError extends Error {
  override readonly name = 'OperationError';
}
