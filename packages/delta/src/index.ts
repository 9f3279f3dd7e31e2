// Public API of @rotkit/delta: re-exports only (DESIGN.md "One job per file").
export {};
