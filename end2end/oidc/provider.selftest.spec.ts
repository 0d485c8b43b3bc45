import { expect, test } from "@playwright/test";
import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { completeProviderLogin, startProvider } from "./provider.mjs";

const b64url = (buf: Buffer) => buf.toString("base64url");
const json = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

test("oidc-provider: code flow with PKCE, claims in a verifiable RS256 ID token", async ({ page }) => {
  // The client's redirect target: records the query the provider sends back.
  let received: URLSearchParams | undefined;
  const client = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/callback") received = url.searchParams; // not /favicon.ico
    res.writeHead(200, { "content-type": "text/html" }).end("<!DOCTYPE html><title>back at client</title>");
  });
  await new Promise<void>((resolve) => client.listen(0, "127.0.0.1", resolve));
  const redirectUri = `http://127.0.0.1:${(client.address() as AddressInfo).port}/callback`;

  const op = await startProvider({
    port: 0,
    clients: [{ client_id: "tandem", client_secret: "s3cret", redirect_uris: [redirectUri] }],
    users: [{ id: "ada", email: "ada@example.test", email_verified: true, name: "Ada Lovelace" }],
  });
  try {
    const discovery = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
    expect(discovery.issuer).toBe(op.issuer);

    const verifier = b64url(randomBytes(32));
    const state = b64url(randomBytes(16));
    const nonce = b64url(randomBytes(16));
    const authorize = (state: string) => {
      const url = new URL(discovery.authorization_endpoint);
      url.search = new URLSearchParams({
        response_type: "code",
        client_id: "tandem",
        redirect_uri: redirectUri,
        scope: "openid email profile",
        state,
        nonce,
        code_challenge: b64url(createHash("sha256").update(verifier).digest()),
        code_challenge_method: "S256",
      }).toString();
      return url.href;
    };

    await page.goto(authorize(state));
    await completeProviderLogin(page, "ada");
    expect(page.url().startsWith(redirectUri)).toBe(true);
    expect(received?.get("state")).toBe(state);
    const code = received?.get("code");
    expect(code).toBeTruthy();

    const exchange = (codeVerifier: string) =>
      fetch(discovery.token_endpoint, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from("tandem:s3cret").toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ grant_type: "authorization_code", code: code!, redirect_uri: redirectUri, code_verifier: codeVerifier }),
      });

    // A wrong verifier is refused. (oidc-provider checks PKCE before consuming the code, so the
    // code would still be usable; a fresh one is fetched below anyway to exercise SSO.)
    const wrong = await exchange(b64url(randomBytes(32)));
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toBe("invalid_grant");

    // The provider's session cookie now exists, so a second authorization skips the sign-in page.
    const state2 = b64url(randomBytes(16));
    await page.goto(authorize(state2));
    expect(page.url().startsWith(redirectUri)).toBe(true);
    expect(received?.get("state")).toBe(state2);
    const code2 = received?.get("code");
    expect(code2).toBeTruthy();
    const response = await fetch(discovery.token_endpoint, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("tandem:s3cret").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "authorization_code", code: code2!, redirect_uri: redirectUri, code_verifier: verifier }),
    });
    const tokens = await response.json();
    expect(response.status, JSON.stringify(tokens)).toBe(200);

    const [header, payload, signature] = tokens.id_token.split(".");
    const claims = json(payload);
    expect(json(header).alg).toBe("RS256");
    expect(claims).toMatchObject({
      iss: op.issuer,
      aud: "tandem",
      sub: "ada",
      nonce,
      email: "ada@example.test",
      email_verified: true,
      name: "Ada Lovelace",
    });

    const { keys } = await (await fetch(discovery.jwks_uri)).json();
    const jwk = keys.find((k: { kid: string }) => k.kid === json(header).kid) as JsonWebKey;
    const publicKey = createPublicKey({ key: jwk, format: "jwk" });
    expect(verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url"))).toBe(true);
  } finally {
    await op.stop();
    client.closeAllConnections();
    await new Promise((resolve) => client.close(resolve));
  }
});
