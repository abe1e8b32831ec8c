// What the browser shows when `raptr serve` runs from a checkout whose renderer has not been built: a plain
// page that says so and how to fix it, rather than a blank screen or a pretend app. No script (the CSP
// forbids inline script anyway); the inline style is allowed by the same CSP.

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function notBuiltPage(staticDir: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RaPTr Studio: the renderer is not built</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; }
  code { font-family: ui-monospace, monospace; padding: 0.1rem 0.3rem; border-radius: 0.2rem;
         background: color-mix(in srgb, currentColor 10%, transparent); }
</style>
</head>
<body>
<h1>The renderer is not built</h1>
<p><code>raptr serve</code> is running and answers the API, but the web app it serves has not been built
yet: there is no <code>index.html</code> in <code>${escapeHtml(staticDir)}</code>.</p>
<p>In the RaPTr Studio folder, run <code>npm run build</code>, then reload this page.</p>
<p>Meanwhile the API works: <code>POST /api/&lt;channel&gt;</code> with a JSON body, for example
<code>curl -X POST -H 'Content-Type: application/json' -d '{}' http://HOST:PORT/api/runs:list</code>.</p>
</body>
</html>
`;
}
