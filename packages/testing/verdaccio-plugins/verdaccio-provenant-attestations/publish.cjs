'use strict';
const crypto = require('node:crypto');

const MAX_BODY_BYTES = 512 * 1024 * 1024;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('publish body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// npm sends the bundle as a JSON string; accept base64 too, as the field is named `data`.
function parseBundleAttachment(attachment) {
  const raw = String(attachment.data ?? '');
  try {
    return JSON.parse(raw);
  } catch {
    return JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  }
}

function predicateTypeOf(bundle) {
  const payload = bundle?.dsseEnvelope?.payload;
  if (!payload) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64').toString('utf8')).predicateType ?? null;
  } catch {
    return null;
  }
}

function registryUrlOf(req) {
  return `${req.protocol}://${req.get('host')}`;
}

// Calls `onAccepted` synchronously just before a 2xx publish response goes out.
function beforeSuccessResponse(res, onAccepted) {
  const writeHead = res.writeHead;
  res.writeHead = function patchedWriteHead(...args) {
    const status = typeof args[0] === 'number' ? args[0] : res.statusCode;
    res.writeHead = writeHead;
    if (status >= 200 && status < 300) onAccepted();
    return writeHead.apply(this, args);
  };
}

function createPublishMiddleware({ settings, signer, store, logger }) {
  return async function provenantPublish(req, res, next) {
    if (!/json/i.test(req.get('content-type') || '')) return next();
    try {
      const raw = await readBody(req);
      // Verdaccio's own body parser skips a request whose body is already parsed.
      req.body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {};
      req._body = true;
      await decoratePublish(req, res, { settings, signer, store });
      return next();
    } catch (error) {
      logger.error({ err: error.message }, 'provenant-attestations: @{err}');
      res.status(400);
      res.set('Content-Type', 'application/json');
      return res.send(JSON.stringify({ error: `provenant-attestations: ${error.message}` }));
    }
  };
}

async function decoratePublish(req, res, { settings, signer, store }) {
  const body = req.body;
  const attachments = body && typeof body === 'object' ? body._attachments : null;
  const versions = body && typeof body.versions === 'object' ? Object.keys(body.versions) : [];
  if (!attachments || typeof attachments !== 'object' || versions.length !== 1) return;

  const name = body.name;
  const version = versions[0];
  const manifest = body.versions[version];
  // Who published, as registry.npmjs.org records it (with `trustedPublisher` for an exchanged token).
  if (req.provenantNpmUser && manifest && typeof manifest === 'object')
    manifest._npmUser = req.provenantNpmUser;
  const bundleKey = `${name}-${version}.sigstore`;
  const bundleAttachment = attachments[bundleKey];
  delete attachments[bundleKey];

  const tarballKey = Object.keys(attachments)[0];
  if (!tarballKey || !manifest || typeof manifest !== 'object') return;
  const tarball = Buffer.from(String(attachments[tarballKey].data ?? ''), 'base64');
  const sha512 = crypto.createHash('sha512').update(tarball).digest();
  const integrity = `sha512-${sha512.toString('base64')}`;
  manifest.dist = manifest.dist || {};

  if (settings.signatures) {
    manifest.dist.signatures = [signer.signPackage(name, version, integrity)];
  }
  if (!settings.attestations || !bundleAttachment) return;

  const provenance = parseBundleAttachment(bundleAttachment);
  const provenanceType = predicateTypeOf(provenance);
  const attestations = [{ predicateType: provenanceType, bundle: provenance }];
  const registryUrl = registryUrlOf(req);
  if (settings.publishAttestation) {
    const publish = await signer.attestPublish({
      name,
      version,
      sha512Hex: sha512.toString('hex'),
      registryUrl,
    });
    attestations.push(publish);
  }
  manifest.dist.attestations = {
    url: `${registryUrl}/-/npm/v1/attestations/${name}@${version}`,
    provenance: { predicateType: provenanceType },
  };
  beforeSuccessResponse(res, () => store.write(name, version, attestations));
}

module.exports = { createPublishMiddleware };
