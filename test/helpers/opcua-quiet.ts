// Imported before any other node-opcua module by test rigs: node-opcua prints warnings to
// the console as it loads (and when its server runs); tests keep their output clean. The
// app routes the same messages to its logger when an OPC UA channel loads node-opcua.
import debug from 'node-opcua-debug';

const quiet = (): void => undefined;
debug.setWarningLogger(quiet);
debug.setErrorLogger(quiet);
debug.setDebugLogger(quiet);
debug.setTraceLogger(quiet);
