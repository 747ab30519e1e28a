'use strict';
// npm trusted publishing on Verdaccio: the token exchange, the visibility endpoint npm reads
// before turning provenance on, and a guard in front of publish PUTs. The decisions live in
// the compiled TypeScript module `config.serviceModule` (src/registry/trusted-publishing/),
// loaded once with import(); this file only wires them into Express.
const { pathToFileURL } = require('node:url');

const EXCHANGE_PREFIX = '/-/npm/v1/oidc/token/exchange/package/';
const VISIBILITY = /^\/-\/package\/(.+)\/visibility$/;
// What createRemoteUser() in @verdaccio/config gives a logged-in user.
const AUTHENTICATED_GROUPS = ['$all', '$authenticated', '@all', '@authenticated', 'all'];

function sendAnswer(res, answer) {
  const send = () => {
    res.status(answer.status);
    res.set('Content-Type', 'application/json');
    for (const [name, value] of Object.entries(answer.headers || {})) res.set(name, value);
    res.send(typeof answer.rawBody === 'string' ? answer.rawBody : JSON.stringify(answer.body));
  };
  if (answer.delayMs) setTimeout(send, answer.delayMs);
  else send();
}

// `/@scope%2fname`, `/@scope/name` or `/name` → the package name; null for any other path.
function packageNameOfPath(path) {
  let name;
  try {
    name = decodeURIComponent(path.slice(1));
  } catch {
    return null;
  }
  return /^(@[^/]+\/)?[^/@]+$/.test(name) ? name : null;
}

function registerTrustedPublishing(app, config, logger) {
  let loaded = null;
  const service = () => {
    loaded ??= import(pathToFileURL(config.serviceModule).href).then((m) =>
      m.createTrustedPublishingService({
        settingsFile: config.settingsFile,
        eventsFile: config.eventsFile,
        storageDir: config.storageDir,
      }),
    );
    return loaded;
  };
  service().catch((error) => logger.error({ err: error.message }, 'provenant trusted publishing: @{err}'));
  const fail = (res, error) => {
    logger.error({ err: error.message }, 'provenant trusted publishing: @{err}');
    sendAnswer(res, { status: 500, body: { message: 'OIDC token exchange error - internal server error' } });
  };

  app.post(/^\/-\/npm\/v1\/oidc\/token\/exchange\/package\/.+/, (req, res) => {
    const name = packageNameOfPath(`/${req.path.slice(EXCHANGE_PREFIX.length)}`);
    service()
      .then((s) => {
        if (!name)
          return sendAnswer(res, {
            status: 400,
            body: { message: 'OIDC token exchange error - bad request' },
          });
        return sendAnswer(
          res,
          s.exchange(name, req.get('authorization'), req.hostname, req.get('host') || req.hostname),
        );
      })
      .catch((error) => fail(res, error));
  });

  app.get(VISIBILITY, (req, res) => {
    const name = packageNameOfPath(`/${VISIBILITY.exec(req.path)[1]}`);
    service()
      .then((s) => sendAnswer(res, name ? s.visibility(name) : { status: 404, body: { error: 'Not found' } }))
      .catch((error) => fail(res, error));
  });

  // Runs after Verdaccio's JWT middleware (req.remote_user is set) and before its publish route.
  app.put(/^\/(?!-\/).+/, (req, res, next) => {
    const name = packageNameOfPath(req.path);
    if (!name) return next();
    // Hold the body while we decide: the publish middleware reads it when we call next()
    // (Verdaccio's own JWT middleware does the same pause/resume around its async check).
    req.pause();
    return service()
      .then((s) => {
        const decision = s.authorizePublish(name, req.get('authorization'), req.remote_user?.name);
        if (decision.kind === 'refuse') return sendAnswer(res, decision.answer);
        if (decision.kind === 'allow') {
          if (decision.auth === 'oidc') {
            // An exchanged token is not a Verdaccio token: publish as the trusted publisher.
            const user = { name: decision.user, groups: AUTHENTICATED_GROUPS, real_groups: [] };
            req.remote_user = user;
            res.locals.remote_user = user;
          }
          req.provenantNpmUser = decision.npmUser;
        }
        req.resume();
        return next();
      })
      .catch((error) => fail(res, error));
  });
}

module.exports = { registerTrustedPublishing };
