import type { Options } from "tsup";

// tsup's declaration build runs the TypeScript API itself: project-reference settings (composite) and the
// baseUrl it injects are not for it, and TypeScript 6 flags baseUrl as deprecated.
export const dtsCompilerOptions = {
  composite: false,
  incremental: false,
  declarationMap: false,
  ignoreDeprecations: "6.0",
};

export function packageConfig(overrides: Options = {}): Options {
  return {
    entry: ["src/index.ts"],
    format: ["esm"],
    target: "es2020",
    dts: { compilerOptions: dtsCompilerOptions },
    sourcemap: true,
    clean: true,
    treeshake: true,
    ...overrides,
  };
}
