// The language server's process entry for tests, from the sources: what dist/server.js does after
// its compile cache is on.
import { runServer } from '../../../src/server/server';

runServer();
