// Starts an ApiServer with a TestEndpoint on 127.0.0.1 (port 0) for a test, closed afterwards.
import { FakeClock } from "../../../src/common/clock.js";
import {
  type ApiAddress,
  ApiServer,
  type ApiServerOptions,
} from "../../../src/endpoint/api/index.js";
import { TestEndpoint, TOKEN } from "./support.js";

export interface Running {
  readonly server: ApiServer;
  readonly endpoint: TestEndpoint;
  readonly clock: FakeClock;
  readonly address: ApiAddress;
  readonly internalErrors: unknown[];
}

export async function startServer(
  options: Partial<Omit<ApiServerOptions, "api" | "clock">> = {},
): Promise<Running> {
  const clock = new FakeClock(0, Date.UTC(2026, 10, 26, 12));
  let server: ApiServer | undefined;
  const endpoint = new TestEndpoint(clock, (e) => server!.publish(e));
  const internalErrors: unknown[] = [];
  server = new ApiServer({
    api: endpoint,
    token: TOKEN,
    clock,
    onInternalError: (e) => internalErrors.push(e),
    ...options,
  });
  const address = await server.listen();
  return { server, endpoint, clock, address, internalErrors };
}
