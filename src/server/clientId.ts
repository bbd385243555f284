/**
 * The language client's id and name, without the protocol library: the settings module reads the
 * client's settings by this prefix, and must not pull the LSP libraries into the features' bundle.
 */

/** Client id; also the settings prefix of the client's own `trace.server` setting. */
export const CLIENT_ID = 'milestoneScope.languageServer';
export const CLIENT_NAME = 'Milestone Scope Language Server';
