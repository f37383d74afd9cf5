import { TrieRouter } from "hono/router/trie-router";

interface RouteEntry {
  method: string;
  path: string;
}

/**
 * For a request no route answers, the methods that routes do answer on its path, so the
 * not-found handler can say 405 with `Allow` instead of 404. Matched by Hono's own router
 * over the app's routes (middleware, registered as ALL, is left out); HEAD comes with GET.
 */
export function allowedMethodsOf(routes: readonly RouteEntry[]): (path: string) => string[] {
  const router = new TrieRouter<true>();
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL") continue;
    router.add(route.method, route.path, true);
    methods.add(route.method);
  }
  return (path) => {
    const allowed = [...methods].filter((method) => router.match(method, path)[0].length > 0);
    if (allowed.includes("GET")) allowed.push("HEAD");
    return allowed.sort();
  };
}
