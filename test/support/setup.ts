// Every worker (and every child process it starts) logs to a file the global teardown scans.
import path from 'node:path';
import { inject } from 'vitest';

process.env.LOG_FILE = path.join(inject('logDir'), `worker-${process.pid}.log`);
process.env.LOG_LEVEL = 'debug';
