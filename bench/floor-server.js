// The floor the webhook is compared with: a bare node:https server that does
// the least any webhook must do. It reads the body, JSON.parses the
// AdmissionReview and returns an allowed response with the uid echoed and no
// patch. TLS and keep-alive settings match the webhook's defaults (TLS 1.3
// minimum, 120 s keep-alive), so only the work per request differs.
//
// Usage: node bench/floor-server.js --port N --host 127.0.0.1 --tls-cert-file F --tls-key-file F
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'tls-cert-file': { type: 'string' },
    'tls-key-file': { type: 'string' },
  },
});
if (!values.port || !values['tls-cert-file'] || !values['tls-key-file']) {
  process.stderr.write('floor-server: --port, --tls-cert-file and --tls-key-file are required\n');
  process.exit(2);
}

function reply(res, status, body) {
  res.writeHead(status, { 'Content-Type': status === 200 ? 'application/json' : 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = https.createServer(
  { cert: readFileSync(values['tls-cert-file']), key: readFileSync(values['tls-key-file']), minVersion: 'TLSv1.3' },
  (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let review;
      try {
        review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        reply(res, 400, `request body is not valid JSON: ${error.message}\n`);
        return;
      }
      const uid = review?.request?.uid;
      if (typeof uid !== 'string') {
        reply(res, 400, 'AdmissionReview request has no uid\n');
        return;
      }
      reply(res, 200, JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } }));
    });
  },
);
server.keepAliveTimeout = 120_000;
server.listen(Number(values.port), values.host);
process.on('SIGTERM', () => process.exit(0));
