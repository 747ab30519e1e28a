'use strict';
// Verdaccio 6 loads middleware plugins with require(), so this folder is CommonJS.
// It makes Verdaccio behave like registry.npmjs.org for provenance:
//   - PUT /<name>: takes the `<name>-<version>.sigstore` attachment off the publish
//     (Verdaccio rejects more than one attachment), adds dist.signatures and
//     dist.attestations, and stores the bundles once Verdaccio has accepted the version;
//   - GET /-/npm/v1/attestations/<name>@<version> and GET /-/npm/v1/keys;
//   - npm trusted publishing (trusted-publishing.cjs): the OIDC token exchange and the
//     publish guard, when `trustedPublishing` is configured.
const { AttestationStore } = require('./store.cjs');
const { RegistrySigner } = require('./sign.cjs');
const { createPublishMiddleware } = require('./publish.cjs');
const { registerTrustedPublishing } = require('./trusted-publishing.cjs');

const ATTESTATIONS_PREFIX = '/-/npm/v1/attestations/';

function sendJson(res, status, body) {
  res.status(status);
  res.set('Content-Type', 'application/json');
  res.send(JSON.stringify(body));
}

class ProvenantAttestations {
  constructor(config, options) {
    this.logger = options.logger;
    this.settings = {
      attestations: config.attestations !== false,
      publishAttestation: config.publishAttestation !== false,
      signatures: config.signatures !== false,
    };
    this.trustedPublishing = config.trustedPublishing || null;
    this.store = new AttestationStore(config.storeDir);
    this.signer = new RegistrySigner({
      privateKeyFile: config.privateKeyFile,
      keysFile: config.keysFile,
      rekorUrl: config.rekorUrl || null,
    });
  }

  register_middlewares(app) {
    const { settings, signer, store } = this;

    app.get('/-/npm/v1/keys', (req, res) => {
      if (!settings.signatures) return sendJson(res, 404, { error: 'not found' });
      return sendJson(res, 200, signer.keysDocument());
    });

    app.get(/^\/-\/npm\/v1\/attestations\/.+/, (req, res) => {
      const spec = decodeURIComponent(req.path.slice(ATTESTATIONS_PREFIX.length));
      const at = spec.lastIndexOf('@');
      const found =
        settings.attestations && at > 0 ? store.read(spec.slice(0, at), spec.slice(at + 1)) : null;
      if (!found) return sendJson(res, 404, { error: 'not found' });
      return sendJson(res, 200, { attestations: found });
    });

    // Before the publish middleware: the guard decides who may PUT, the middleware reads the body.
    if (this.trustedPublishing) registerTrustedPublishing(app, this.trustedPublishing, this.logger);
    app.put(/^\/(?!-\/).+/, createPublishMiddleware({ settings, signer, store, logger: this.logger }));
  }
}

module.exports = function createPlugin(config, options) {
  return new ProvenantAttestations(config, options);
};
