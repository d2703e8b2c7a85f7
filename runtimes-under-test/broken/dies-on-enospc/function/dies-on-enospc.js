// Preloaded into node-plain: any write that fails with ENOSPC ends the process, as a runtime that
// writes its own files to /tmp without handling errors would.
const fs = require('node:fs');
const append = fs.appendFileSync;
fs.appendFileSync = function appendOrDie(...args) {
  try {
    return append.apply(this, args);
  } catch (err) {
    if (err && err.code === 'ENOSPC') process.exit(1);
    throw err;
  }
};
