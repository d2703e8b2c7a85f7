// Preloaded into node-plain: 384 MB, touched, kept for the life of the process.
globalThis.bootspecBallast = Buffer.alloc(384 * 1024 * 1024, 1);
