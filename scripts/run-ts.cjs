// Runs a TypeScript file with no build step: `node scripts/run-ts.cjs file.ts args...`.
'use strict';
const path = require('node:path');
const [file, ...args] = process.argv.slice(2);
if (!file) throw new Error('usage: node scripts/run-ts.cjs file.ts [args...]');
require('@swc-node/register');
process.argv = [process.argv[0], path.resolve(file), ...args];
require(path.resolve(file));
