// Public API of @rotkit/rollback: re-exports only (DESIGN.md "One job per file").
export {};
