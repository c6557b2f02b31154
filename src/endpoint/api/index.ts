// The daemon's API: the method and event contract, and its HTTP transport (issue 6).

export type * from "./contract.js";
export {
  API_ERROR_CODES,
  ApiError,
  type ApiErrorKind,
  RPC_INTERNAL_ERROR,
  RPC_INVALID_PARAMS,
  RPC_INVALID_REQUEST,
  RPC_METHOD_NOT_FOUND,
  RPC_PARSE_ERROR,
  type RpcErrorObject,
} from "./errors.js";
export { EventLog, type LoggedEvent } from "./event-log.js";
export { isMethodName, METHOD_NAMES, METHOD_READERS } from "./methods.js";
export { ParamError } from "./params.js";
export { type ApiAddress, ApiListenError, ApiServer, type ApiServerOptions } from "./server.js";
export {
  apiEventFrom,
  callView,
  conversationDetail,
  conversationSummary,
  messageView,
  peerView,
} from "./views.js";
