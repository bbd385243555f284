// Every extension-host test module; add one import line per module.
import './activation.host';
import './editor.host';
import './tasks.host';
import './scope.host';
import './lsp.host';
import './complete.host';
import './lmTools.host';
import './outsidePaths.host';
import './bigTrace.host';
