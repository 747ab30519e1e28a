export {
  startFaultProxy,
  isLoopbackHost,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultStats,
  type InjectedFault,
  type UpstreamAnswer,
} from './fault-proxy.js';
export {
  decideFault,
  seededUnit,
  isFailure,
  FAULT_KINDS,
  WRITE_SAFE_KINDS,
  type FaultKind,
} from './decide.js';
