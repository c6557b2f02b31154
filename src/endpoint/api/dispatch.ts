// From a checked JSON-RPC request to a call on the endpoint: the method must exist, its
// parameters must pass the method's reader, and whatever the endpoint throws becomes an error
// object. The EndpointApi behind it is whatever the daemon (or a test) supplies.

import type { EndpointApi, MethodName, ParamsOf } from "./contract.js";
import {
  errorObjectFrom,
  RPC_INVALID_PARAMS,
  RPC_METHOD_NOT_FOUND,
  type RpcErrorObject,
} from "./errors.js";
import type { Dispatch, RpcRequest } from "./jsonrpc.js";
import { isMethodName, METHOD_NAMES, METHOD_READERS } from "./methods.js";
import { ParamError } from "./params.js";

export function dispatcher(api: EndpointApi, onInternalError?: (e: unknown) => void): Dispatch {
  return async (request: RpcRequest) => {
    if (!isMethodName(request.method)) {
      return {
        error: {
          code: RPC_METHOD_NOT_FOUND,
          message: `method not found: "${request.method.slice(0, 100)}"; known methods: ${METHOD_NAMES.join(", ")}`,
          data: { known: METHOD_NAMES },
        },
      };
    }
    const method: MethodName = request.method;
    let params: ParamsOf<MethodName>;
    try {
      params = METHOD_READERS[method](request.params);
    } catch (e) {
      if (!(e instanceof ParamError)) throw e;
      return {
        error: {
          code: RPC_INVALID_PARAMS,
          message: `invalid params for ${method}: ${e.message}`,
          data: { param: e.param, problem: e.problem },
        },
      };
    }
    try {
      const call = api[method] as (p: unknown) => unknown;
      return { result: await call.call(api, params) };
    } catch (e) {
      const error: RpcErrorObject = errorObjectFrom(e);
      if (error.code === -32603) onInternalError?.(e);
      return { error };
    }
  };
}
