/** Naming rules shared by the validator and the JSON Schema. */

/** Step ids appear in `steps.<id>` paths, where `-` is part of a name. */
export const STEP_ID = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
/** Input names are read as `inputs.<name>`, so they follow expression name rules. */
export const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const WORKFLOW_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** Names an expression reads as null (they could reach JavaScript internals). */
export const RESERVED_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];
