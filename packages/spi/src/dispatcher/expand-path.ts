/**
 * Expands `%NAME%` environment strings in a provider path, as Windows expands `%SystemRoot%` in a
 * catalog DLL path before `LoadLibrary` (`ExpandEnvironmentStrings`): a variable that is not set is
 * left as written.
 */
export function expandEnvironmentStrings(path: string, env: NodeJS.ProcessEnv): string {
  return path.replace(/%([^%]+)%/g, (whole, name: string) => env[name] ?? whole);
}
