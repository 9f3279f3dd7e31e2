import { defineConfig } from "tsup";
import { dtsCompilerOptions, packageConfig } from "../../tsup.shared.js";

export default defineConfig(
  packageConfig({
    entry: ["src/index.ts", "src/bin.ts"],
    target: "node20",
    platform: "node",
    dts: { entry: "src/index.ts", compilerOptions: dtsCompilerOptions },
    treeshake: false,
  }),
);
