export { endedHolders, hiddenProducts, type StreamCredential, type StreamHolder } from "./access";
export { MAX_MESSAGE_BYTES, MAX_SUBSCRIPTIONS, RECHECK_SECONDS, SESSION_ENDED_CLOSE_CODE } from "./limits";
