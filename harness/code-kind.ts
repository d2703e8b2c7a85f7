/**
 * Whether bootspec runs from its TypeScript sources (a clone, through tsx) or compiled (the npm
 * package's dist/): the extension of its own modules. Code that names its own files at run time
 * (suites for vitest, child-process scripts) follows it.
 */
export const CODE_EXT: '.ts' | '.js' = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/**
 * Node options a child process needs to run one of bootspec's modules: tsx for sources (resolved
 * from bootspec's own node_modules, whatever the child's working folder), none compiled.
 */
export const CHILD_EXEC_ARGV: readonly string[] = CODE_EXT === '.ts' ? ['--import', import.meta.resolve('tsx/esm')] : [];
