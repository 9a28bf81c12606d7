// redact_pii_runner.js - redact stdin line by line with redact-pii's
// SyncRedactor (npm), for tests/redact/eval.py and bench/redact.sh.  They
// copy it next to the temporary npm install so `require` finds the package.
// The redact() loop time (node start-up excluded) goes to the file named by
// the first argument, else to stderr as "redact-pii-seconds N".
const { SyncRedactor } = require('redact-pii');
const fs = require('fs');
const redactor = new SyncRedactor();
const lines = fs.readFileSync(0, 'utf8').split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();
const t0 = process.hrtime.bigint();
const out = new Array(lines.length);
for (let i = 0; i < lines.length; i++) out[i] = redactor.redact(lines[i]);
const t1 = process.hrtime.bigint();
fs.writeFileSync(1, out.join('\n') + '\n');
const secs = String(Number(t1 - t0) / 1e9);
if (process.argv[2]) fs.writeFileSync(process.argv[2], secs);
else process.stderr.write('redact-pii-seconds ' + secs + '\n');
