// A small client for the command-line tools: base URL and token from flags or the environment.
export function apiClient({ base, token }) {
  const root = (base ?? process.env.STOCKROOM_URL ?? "http://localhost:8787").replace(/\/$/, "");
  const bearer = token ?? process.env.STOCKROOM_TOKEN;
  if (!bearer) {
    console.error("Give a token with --token or STOCKROOM_TOKEN (an access token or a secret API key).");
    process.exit(1);
  }
  return async function request(method, path, { json, body, headers = {} } = {}) {
    const res = await fetch(`${root}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(json === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: json === undefined ? body : JSON.stringify(json),
    });
    if (!res.ok) {
      const text = await res.text();
      let detail = text;
      try {
        detail = JSON.parse(text).detail ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new Error(`${method} ${path} answered ${res.status}: ${detail}`);
    }
    return res;
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
