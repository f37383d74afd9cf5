/** The live-stock socket's contract, shared by the route's documentation and the hubs (src/durable/stream). */
export const MAX_SUBSCRIPTIONS = 200;
export const MAX_MESSAGE_BYTES = 8 * 1024;
/** While sockets are open, a hub checks this often that their sessions and keys still work. */
export const RECHECK_SECONDS = 10;
/** Like HTTP's 401: the session or key the socket was opened with has ended. */
export const SESSION_ENDED_CLOSE_CODE = 4401;
