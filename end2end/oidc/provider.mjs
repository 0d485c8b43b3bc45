// A real OpenID Connect provider (panva's certified `oidc-provider`, v8 because v9 only supports
// Node 22+) that end-to-end tests start and stop in-process. Test-only: in-memory storage, the
// library's development sign-in pages, plain http on loopback.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import Provider from "oidc-provider";

/**
 * Starts a provider at `http://127.0.0.1:${port}` (port 0 picks a free one; the issuer reports
 * the real port). `clients`: [{ client_id, client_secret, redirect_uris, ...other metadata }].
 * `users`: [{ id, email, email_verified, name }]; `id` is what one types as "login".
 * Returns { issuer, stop() }.
 */
export async function startProvider({ port = 0, clients, users }) {
  // Listen first so that port 0 works: the issuer has to be known before the provider exists.
  let handler = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;

  // A fresh RS256 key per run; without `jwks` the library signs with a published dev key and warns.
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "e2e", use: "sig", alg: "RS256" };

  const byId = new Map(users.map((user) => [user.id, user]));
  const configuration = {
    clients: clients.map((client) => ({
      response_types: ["code"],
      grant_types: ["authorization_code"],
      // Basic is the `openidconnect` crate's default; the library also accepts client_secret_post
      // for a client registered with client_secret_basic (both are "secret" methods).
      token_endpoint_auth_method: "client_secret_basic",
      ...client,
    })),
    jwks: { keys: [signingKey] },
    cookies: {
      keys: [randomBytes(32).toString("hex")],
      // The default SameSite=None is dropped by Chromium on plain http (it needs Secure), which
      // would lose the session cookie; Lax is enough for top-level redirects.
      long: { httpOnly: true, sameSite: "lax" },
    },
    pkce: { methods: ["S256"], required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // Put scope-requested claims in the ID token too, not only at the userinfo endpoint.
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      const user = byId.get(sub);
      // The library has no graceful path for an unknown account after sign-in (it fails with a
      // server_error page), so at least say why in the log.
      if (!user) throw new Error(`no test user with id "${sub}"`);
      return {
        accountId: sub,
        claims: async () => ({ sub, email: user.email, email_verified: user.email_verified, name: user.name }),
      };
    },
    // Pre-approve every client, so no consent page appears (unless a request says prompt=consent).
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.account.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    // The defaults of the following print "you SHOULD/MUST change it" notices when first used.
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 86400, Grant: 86400 },
    clientBasedCORS: () => false,
    async renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = `<!DOCTYPE html><title>OIDC error</title><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`;
    },
  };

  // The constructor announces the dev interactions and the in-memory adapter on the console;
  // both are intended here, so silence them (only for the constructor's synchronous run).
  const { warn, info } = console;
  console.warn = console.info = () => {};
  let provider;
  try {
    provider = new Provider(issuer, configuration);
  } finally {
    Object.assign(console, { warn, info });
  }

  // The dev pages @import a Google font; drop it so the browser never reaches for the internet.
  provider.use(async (ctx, next) => {
    await next();
    if (typeof ctx.body === "string" && ctx.response.is("html")) {
      ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);?/g, "");
    }
  });
  // The library swallows internal errors into a generic "server_error" page; surface them.
  provider.on("server_error", (_ctx, error) => console.error("oidc-provider server_error:", error));
  handler = provider.callback();

  return {
    issuer,
    async stop() {
      // Browsers keep connections alive; drop them so close() resolves and the worker can exit.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * With `page` on the provider's sign-in page, signs in as `login` (any password), clicks through a
 * consent page if one appears, and resolves once the browser has left the provider (i.e. is at the
 * client's redirect_uri).
 */
export async function completeProviderLogin(page, login) {
  const providerOrigin = new URL(page.url()).origin;
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  let before = page.url();
  await page.getByRole("button", { name: "Sign-in" }).click();
  for (;;) {
    // The form POSTs and is redirected: back to the client, to a new interaction page (consent),
    // or to an error page on the provider.
    await page.waitForURL((url) => url.href !== before);
    if (new URL(page.url()).origin !== providerOrigin) return;
    const consent = page.getByRole("button", { name: "Continue" });
    if (!(await consent.count())) {
      throw new Error(`OIDC provider sign-in as "${login}" failed at ${page.url()}: ${await page.locator("body").innerText()}`);
    }
    before = page.url();
    await consent.click();
  }
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
