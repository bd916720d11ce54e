/** The istiod stand-in: discovery server (pushes, ACK/NACK tracking) and the `istio/pilot` container. */
export { IstiodXdsServer, istioLogLine, type IstiodXdsOptions, type IstiodInstance, type PushRecord, type CompileFn } from './xds-server';
export { IstiodImpl, ISTIOD_VERSION_STRING, type IstiodOptions } from './istiod-container';
export { renderSyncz, parseSynczQuery, statusWord, syncStatusObject, TYPE_URLS, type ProxySyncState, type WatchedTypeStatus, type SyncStatusWord, type SynczQuery } from './syncz';
export { IstiodMetrics } from './metrics';
