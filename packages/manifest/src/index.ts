// Public API of @rotkit/manifest: re-exports only (DESIGN.md "One job per file").
export {};
