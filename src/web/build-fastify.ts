// The fastify instance with every plugin and route: used by WebServer to listen, and by
// tests through `inject()` without a socket.
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { requestGuard } from './auth/request-guard.js';
import { errorHandler, frameworkErrorHandler } from './error-handler.js';
import { jsonBodiesOnly } from './json-body.js';
import { authRoutes } from './routes/auth-routes.js';
import { ERROR_RESPONSE } from './routes/response-schemas.js';
import { channelRoutes } from './routes/channel-routes.js';
import { sinkRoutes } from './routes/sink-routes.js';
import { configEditRoutes } from './routes/config-edit-routes.js';
import { deviceRoutes } from './routes/device-routes.js';
import { alarmRoutes } from './routes/alarm-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { exportRoutes } from './routes/export-routes.js';
import { fleetRoutes } from './routes/fleet-routes.js';
import { registryRoutes } from './routes/registry-routes.js';
import { historyRoutes } from './routes/history-routes.js';
import { configReloadRoutes } from './routes/config-reload-routes.js';
import { listenerRoutes } from './routes/listener-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { liveRoutes } from './routes/live-routes.js';
import { statusRoutes } from './routes/status-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { writeRoutes } from './routes/write-routes.js';
import { pointWriteRoutes } from './routes/point-write-routes.js';
import type { UiFile } from './ui/ui-files.js';
import { uiHandler } from './ui/ui-handler.js';
import { schemaValidators } from './validators.js';
import type { WebContext } from './web-context.js';

const MAX_WS_MESSAGE_BYTES = 64 * 1024;
/** The largest request body: a write of 123 registers is ~1 kB, a user or rule edit less. */
const MAX_BODY_BYTES = 256 * 1024;

/** A route as registered: what the docs and the role tests are checked against. */
export interface RouteInfo {
  readonly method: string;
  readonly url: string;
  readonly role: string;
}

/** `ui`: the built browser UI by URL path, served for every path that is not an API route. */
export async function buildFastify(
  ctx: WebContext,
  routes: RouteInfo[] = [],
  ui: ReadonlyMap<string, UiFile> = new Map(),
): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    frameworkErrors: frameworkErrorHandler,
  });
  jsonBodiesOnly(fastify, MAX_BODY_BYTES);
  fastify.setValidatorCompiler(schemaValidators());
  fastify.decorateRequest('principal', null);
  fastify.addHook('onRoute', (route) => {
    // Every route's errors have the catalogue's shape.
    route.schema = {
      ...route.schema,
      response: { ...(route.schema?.response as object | undefined), '4xx': ERROR_RESPONSE, '5xx': ERROR_RESPONSE },
    };
    // HEAD routes are fastify's automatic twins of GET routes.
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, role: route.config?.role ?? 'admin' });
    }
  });
  fastify.setErrorHandler(errorHandler(ctx.log));
  fastify.setNotFoundHandler(uiHandler(ui));
  await fastify.register(cookie);
  await fastify.register(websocket, {
    options: {
      maxPayload: MAX_WS_MESSAGE_BYTES,
      // One 'message' event per turn of the event loop and socket: a viewer's burst of
      // hundreds of frames in one TCP read would otherwise run as one long task (ws's default).
      allowSynchronousEvents: false,
    },
  });
  fastify.addHook('onRequest', requestGuard(ctx.auth));
  for (const routes of [
    authRoutes,
    userRoutes,
    deviceRoutes,
    historyRoutes,
    exportRoutes,
    fleetRoutes,
    registryRoutes,
    writeRoutes,
    pointWriteRoutes,
    statusRoutes,
    listenerRoutes,
    channelRoutes,
    sinkRoutes,
    eventRoutes,
    configEditRoutes,
    liveRoutes,
    configReloadRoutes,
    alarmRoutes,
    metricsRoutes,
  ]) {
    await fastify.register(routes(ctx));
  }
  return fastify;
}
