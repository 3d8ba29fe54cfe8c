/** Naming rules shared by the validator and the JSON Schema. */

/** Step ids appear in `steps.<id>` paths, where `-` is part of a name. */
export const STEP_ID = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
/** Input names are read as `inputs.<name>`, so they follow expression name rules. */
export const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const WORKFLOW_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/**
 * Names no input or step may take: expressions read `__proto__`, `constructor` and `prototype` as
 * null, and the rest are members every JavaScript object inherits, which a plain lookup of run
 * state by step id would find instead of the step.
 */
export const RESERVED_NAMES: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
];
